import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** A buffered entry: its body as hex, kept while it waits (null once over the limit or under memory pressure). */
export interface BufferedEntry {
  bodyHex: string | null;
}

export interface BatchedLogOptions {
  /** The logger's context, and what the warnings name. */
  readonly name: string;
  /** How often buffered entries are written (one statement per flush, none when idle). */
  readonly flushMs: number;
  readonly maxRowsPerStatement?: number;
  /** Entries kept while the database is unreachable; past it the oldest are dropped (and counted in a warning). */
  readonly maxBuffered?: number;
  /** Body bytes (as hex) kept in memory while waiting; past it new entries keep only hash and size. */
  readonly maxBufferedBodyHex?: number;
}

/**
 * An append-only log written in batches, off the hot path: `push` only buffers, and a timer writes what gathered
 * with `write` (one statement per flush of up to `maxRowsPerStatement` rows). At least once: a failed flush keeps its
 * entries for the next (an outage is logged once, and its end), so `write` must be idempotent (ON CONFLICT on a
 * natural key); what is buffered when the process dies is lost. Both ingest logs (the gateway's deliveries, the
 * worker's upstream answers) are one of these.
 */
export abstract class BatchedLog<R extends BufferedEntry> implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  protected readonly logger: Logger;
  private buffer: R[] = [];
  private bufferedHex = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  /** Since the last flush that failed: an outage is logged once, and its end. */
  private failing = false;
  private readonly maxRowsPerStatement: number;
  private readonly maxBuffered: number;
  private readonly maxBufferedBodyHex: number;

  protected constructor(
    private readonly logDataSource: DataSource,
    private readonly options: BatchedLogOptions,
  ) {
    this.logger = new Logger(options.name);
    this.maxRowsPerStatement = options.maxRowsPerStatement ?? 1_000;
    this.maxBuffered = options.maxBuffered ?? 20_000;
    this.maxBufferedBodyHex = options.maxBufferedBodyHex ?? 64 * 1024 * 1024;
  }

  /** Writes one batch in one statement; idempotent (a batch may be written again after a failure it did not see). */
  protected abstract write(rows: R[]): Promise<void>;

  /** Whether a body can be kept in memory now (else the entry keeps only hash and size). */
  protected roomForBodies(): boolean {
    return this.bufferedHex < this.maxBufferedBodyHex;
  }

  /** Buffers an entry for the next flush. */
  protected push(row: R): void {
    this.bufferedHex += row.bodyHex?.length ?? 0;
    this.buffer.push(row);
    if (this.buffer.length > this.maxBuffered) this.drop(this.buffer.length - this.maxBuffered);
  }

  /** Writes everything buffered so far (also what the timer does); resolves when it is stored or kept for a retry. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.flush().catch((error: unknown) => this.logger.error({ err: error }, `${this.options.name} flush failed`));
    }, this.options.flushMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Entries buffered while the server closed. */
  async onApplicationShutdown(): Promise<void> {
    if (this.logDataSource.isInitialized) await this.flush();
  }

  /**
   * Writes what was buffered when the flush began; what arrives meanwhile waits for the next one, so that under
   * load a flush stays one statement (not one per commit round trip).
   */
  private async drain(): Promise<void> {
    let remaining = this.buffer.length;
    while (remaining > 0) {
      const batch = this.buffer.splice(0, Math.min(remaining, this.maxRowsPerStatement));
      remaining -= batch.length;
      try {
        await this.write(batch);
        for (const row of batch) this.bufferedHex -= row.bodyHex?.length ?? 0;
        if (this.failing) this.logger.log({ buffered: this.buffer.length }, `${this.options.name} written again`);
        this.failing = false;
      } catch (error) {
        this.buffer.unshift(...batch);
        if (!this.failing) this.logger.warn({ err: error, buffered: this.buffer.length }, `${this.options.name} flush failed; kept for the next`);
        this.failing = true;
        return;
      }
    }
  }

  private drop(count: number): void {
    const dropped = this.buffer.splice(0, count);
    for (const row of dropped) this.bufferedHex -= row.bodyHex?.length ?? 0;
    this.logger.warn({ dropped: dropped.length }, `${this.options.name} buffer full: oldest entries dropped`);
  }
}
