import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

/** How far a consumer group is behind on one topic: messages between its committed offsets and the ends of the partitions. */
export interface ConsumerLag {
  readonly group: string;
  readonly topic: string;
  readonly lag: number;
}

/** Something that can tell a consumer group's lag (a Kafka consumer asks the broker). */
export interface ConsumerLagSource {
  lag(): Promise<ConsumerLag[]>;
  close?(): Promise<void>;
}

/** A lag read must not hold a metrics scrape for long when the broker is away. */
const READ_TIMEOUT_MS = 3_000;

/**
 * The app's consumers whose lag lives outside the database (Kafka groups): consumers add themselves
 * when connected; metrics read them at scrape time. The postgres log's lag is read from its tables.
 */
@Injectable()
export class ConsumerLagSources implements OnApplicationShutdown {
  private readonly logger = new Logger('ConsumerLag');
  private readonly sources: ConsumerLagSource[] = [];

  add(source: ConsumerLagSource): void {
    this.sources.push(source);
  }

  /** Every source's lag; a source that fails or is slow is left out (and logged), the others still count. */
  async read(): Promise<ConsumerLag[]> {
    const results = await Promise.allSettled(this.sources.map((s) => withTimeout(s.lag(), READ_TIMEOUT_MS)));
    return results.flatMap((result) => {
      if (result.status === 'fulfilled') return result.value;
      this.logger.warn(`consumer lag unavailable: ${(result.reason as Error).message}`);
      return [];
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close?.().catch(() => undefined)));
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
