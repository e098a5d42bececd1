import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorReadModel } from '../operator-read-model.js';
import { LagSampleEntity } from './lag-sample.entity.js';

export const LAG_SAMPLE_EVERY_MS = 15_000;
export const LAG_HISTORY_DAYS = 7;
/** The transaction-level advisory lock a sampling takes (7264004 is the platform gauges'). */
const LAG_SAMPLER_LOCK = 7_264_005;

/**
 * The operator page's lag history. Lag is a state (the log's end minus a group's committed offset), not an event, so
 * its past cannot be computed afterwards: every gateway replica wakes every 15 s and, under a transaction-level advisory
 * lock, writes one sample of every group's lag unless another replica wrote one in the last 10 s — one sample per
 * interval for the database, whatever the replicas. Samples older than 7 days are deleted on the way.
 */
@Injectable()
export class LagSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LagSampler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: OperatorReadModel,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), LAG_SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sample()
      .then(() => undefined)
      .catch((error: Error) => this.logger.warn(`lag sample failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  /** One sampling; false when another replica holds the lock or sampled a moment ago. */
  async sample(): Promise<boolean> {
    const lag = await this.readModel.lag();
    return this.dataSource.transaction(async (manager) => {
      // SQL: a transaction-level advisory lock (no ORM form): one sampler at a time.
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [LAG_SAMPLER_LOCK]);
      if (!locked) return false;
      const recent = await manager
        .createQueryBuilder(LagSampleEntity, 's')
        .where(`s.sampled_at > now() - make_interval(secs => :fresh)`, { fresh: (LAG_SAMPLE_EVERY_MS * 2) / 3 / 1000 })
        .getExists();
      if (recent) return false;
      const sampledAt = new Date();
      const rows = new Map(lag.map((l) => [`${l.group}#${l.topic}`, { sampledAt, groupId: l.group, topic: l.topic, lag: String(l.lag) }]));
      if (rows.size > 0) await manager.insert(LagSampleEntity, [...rows.values()]);
      await manager
        .createQueryBuilder()
        .delete()
        .from(LagSampleEntity)
        .where(`sampled_at < now() - make_interval(days => :days)`, { days: LAG_HISTORY_DAYS })
        .execute();
      return true;
    });
  }
}
