import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

export interface PeriodicSweepOptions {
  /** Said in the warning when a sweep fails (and the logger's context). */
  readonly name: string;
  readonly everyMs: number;
  /** The most rows one `deleteBatch` deletes: a shorter batch ends the sweep. */
  readonly batchSize: number;
}

/**
 * A retention sweep, as a provider: from bootstrap on, every `everyMs` (the timer does not keep the
 * process alive), batches are deleted until one comes back short; one sweep at a time, a failure
 * retried at the next tick, the one in flight awaited at shutdown. Replicas may sweep at once: the
 * deletes are idempotent. Subclasses say what one batch deletes.
 */
export abstract class PeriodicSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  protected constructor(private readonly sweepOptions: PeriodicSweepOptions) {
    this.logger = new Logger(sweepOptions.name);
  }

  /** Deletes one batch of at most `batchSize` rows; resolves with how many it deleted. */
  protected abstract deleteBatch(): Promise<number>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => this.logger.warn(`${this.sweepOptions.name} failed, retrying later: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, this.sweepOptions.everyMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep now; resolves with how many rows it deleted. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.deleteBatch();
      total += deleted;
      if (deleted < this.sweepOptions.batchSize) return total;
    }
  }
}
