import type { LoggerService } from '@nestjs/common';

export interface PeriodicSweepOptions {
  /** Said in the warning when a sweep fails. */
  readonly name: string;
  readonly everyMs: number;
  /** Deletes one batch of at most `batchSize` rows; resolves with how many it deleted. */
  readonly deleteBatch: () => Promise<number>;
  readonly batchSize: number;
  readonly logger: LoggerService;
}

/**
 * A retention sweep: every `everyMs` (the timer does not keep the process alive), batches are
 * deleted until one comes back short; one sweep at a time, a failure retried at the next tick.
 * Replicas may sweep at once: the deletes are idempotent.
 */
export class PeriodicSweep {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly options: PeriodicSweepOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => this.options.logger.warn(`${this.options.name} sweep failed, retrying later: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep now; resolves with how many rows it deleted. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.options.deleteBatch();
      total += deleted;
      if (deleted < this.options.batchSize) return total;
    }
  }
}
