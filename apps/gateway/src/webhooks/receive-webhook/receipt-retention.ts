import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';

const BATCH = 5_000;

/**
 * The idempotency window's retention: receipts older than WEBHOOK_IDEMPOTENCY_WINDOW_SECONDS are
 * deleted in small batches, once a minute, by whichever gateway replica gets there (the deletes
 * are idempotent). A receipt past the window but not yet swept no longer counts (see IngestBatcher).
 */
@Injectable()
export class ReceiptRetention extends PeriodicSweep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {
    super({ name: 'ReceiptRetention', everyMs: 60_000, batchSize: BATCH });
  }

  protected async deleteBatch(): Promise<number> {
    // SQL: a bounded DELETE ... USING over a LIMITed CTE, counted in one statement (no ORM form).
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
    return Number(rows[0].n);
  }
}
