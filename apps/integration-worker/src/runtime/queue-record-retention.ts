import { Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';
import { WorkerConfig } from '../worker.config.js';

const BATCH = 5_000;

/**
 * The retention of what request/reply and settling later leave behind (docs/integrations.md,
 * "Queues"): requests sent (`worker.requests`), replies received (`worker.replies`, every message
 * with `inreplyto` on a declared reply topic, answered or not) and settlements that are settled or
 * lapsed (`worker.settlements`) go once older than RUN_RETENTION_SECONDS, with the run history they
 * belong to; a settlement still pending stays until it is settled or lapses. Swept once an hour (by
 * whichever replica gets there), in batches of each table.
 */
@Injectable()
export class QueueRecordRetention extends PeriodicSweep {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: WorkerConfig,
  ) {
    super({ name: 'QueueRecordRetention', everyMs: 3_600_000, batchSize: BATCH });
  }

  protected async deleteBatch(): Promise<number> {
    // SQL: bounded deletes of three tables in one statement (CTEs with LIMIT, counted in the same statement: no ORM form)
    const rows = await this.dataSource.query<{ n: string }[]>(
      `WITH old_requests AS (
         SELECT id FROM worker.requests WHERE requested_at < now() - make_interval(secs => $1::float8) LIMIT ${BATCH}
       ), requests AS (
         DELETE FROM worker.requests r USING old_requests o WHERE r.id = o.id RETURNING 1
       ), old_replies AS (
         SELECT tenant_id, in_reply_to FROM worker.replies WHERE received_at < now() - make_interval(secs => $1::float8) LIMIT ${BATCH}
       ), replies AS (
         DELETE FROM worker.replies r USING old_replies o WHERE r.tenant_id = o.tenant_id AND r.in_reply_to = o.in_reply_to RETURNING 1
       ), old_settlements AS (
         SELECT token_hash FROM worker.settlements
          WHERE state <> 'pending' AND settled_at < now() - make_interval(secs => $1::float8) LIMIT ${BATCH}
       ), settlements AS (
         DELETE FROM worker.settlements s USING old_settlements o WHERE s.token_hash = o.token_hash RETURNING 1
       ) SELECT GREATEST((SELECT count(*) FROM requests), (SELECT count(*) FROM replies), (SELECT count(*) FROM settlements)) AS n`,
      [this.config.RUN_RETENTION_SECONDS],
    );
    return Number(rows[0].n);
  }
}
