import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';

const SWEEP_EVERY_MS = 60_000;
const BATCH = 5_000;

/**
 * The idempotency window's retention: receipts older than WEBHOOK_IDEMPOTENCY_WINDOW_SECONDS are
 * deleted in small batches, once a minute, by whichever gateway replica gets there (the deletes
 * are idempotent). A receipt past the window but not yet swept no longer counts (see IngestBatcher).
 */
@Injectable()
export class ReceiptRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReceiptRetention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'receipt sweep failed; retrying next minute'))
        .finally(() => (this.running = undefined));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes expired receipts; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.dataSource.query<{ n: string }[]>(
        `WITH expired AS (
           SELECT webhook_id, message_id FROM gateway.webhook_receipts
            WHERE received_at < now() - make_interval(secs => $1) LIMIT ${BATCH})
         , deleted AS (
           DELETE FROM gateway.webhook_receipts r USING expired e
            WHERE r.webhook_id = e.webhook_id AND r.message_id = e.message_id RETURNING 1)
         SELECT count(*) AS n FROM deleted`,
        [this.config.WEBHOOK_IDEMPOTENCY_WINDOW_SECONDS],
      );
      const n = Number(rows[0].n);
      total += n;
      if (n < BATCH) return total;
    }
  }
}
