import { eventually, RowSnapshots, snapshotChanges, type RowSnapshot } from '@tributary/testing';

/** Heartbeats and leases move by themselves: left out of the row digests. */
const VOLATILE_COLUMNS = /^(heartbeat_at|lease_until|lease_owner|seen_at|connected_clients)$/;
/** Membership rows the consumers keep alive by themselves: counted only. */
const COUNT_ONLY = ['messaging.group_members', 'platform.instances'];
/** The operator page's lag history, sampled by a timer every 15 s whatever the requests (apps/gateway/src/operator/). */
const LAG_SAMPLES = 'gateway.operator_lag_samples';
/**
 * The ingest log records every answered delivery, refusals included (that is its purpose: docs/gateway.md), in
 * batches up to a second after the answer: left out, or a refusal's entry would be blamed on a later request. What
 * it holds is checked by its own tests (apps/gateway/src/ingest/). The lag samples likewise.
 */
const IGNORED = ['gateway.ingest_log', LAG_SAMPLES];

/**
 * Work still to do: messages not yet consumed by every group, retries waiting, projections whose
 * checkpoint is behind the log (they move it on their own timer), rebuilds running.
 */
const PENDING_SQL = `
  SELECT (SELECT coalesce(sum(tp.next_offset - gp.committed_offset), 0)
            FROM messaging.group_partitions gp JOIN messaging.topic_partitions tp USING (topic, partition))
       + (SELECT count(*) FROM messaging.deferred)
       + (SELECT count(*) FROM event_store.projection_checkpoints c
           WHERE EXISTS (SELECT 1 FROM event_store.events e WHERE (e.transaction_id, e.position) > (c.transaction_id, c.position)))
       + (SELECT count(*) FROM event_store.projection_rebuilds WHERE status = 'building') AS pending`;

/**
 * The database seen from outside the apps: what every table holds (to show a refusal stored nothing)
 * and whether the platform is idle (so that what an accepted request set going — deliveries through
 * the pipeline, projections — is not blamed on the next request).
 */
export class DatabaseWatch {
  private constructor(private readonly snapshots: RowSnapshots) {}

  static async open(databaseUrl: string): Promise<DatabaseWatch> {
    return new DatabaseWatch(await RowSnapshots.open(databaseUrl, { volatileColumns: VOLATILE_COLUMNS, countOnly: COUNT_ONLY, ignored: IGNORED }));
  }

  take(): Promise<RowSnapshot> {
    return this.snapshots.take();
  }

  /** The tables that differ from `before` now. */
  async changedSince(before: RowSnapshot): Promise<Record<string, [string | undefined, string | undefined]>> {
    return snapshotChanges(before, await this.take());
  }

  /** Waits until no message is pending and two snapshots in a row are the same. */
  async settle(timeoutMs = 60_000): Promise<RowSnapshot> {
    let previous: string | undefined;
    let last: RowSnapshot = {};
    await eventually(
      async () => {
        const [{ pending }] = await this.snapshots.query<{ pending: string }>(PENDING_SQL);
        last = await this.take();
        const state = JSON.stringify(last);
        const idle = Number(pending) === 0 && state === previous;
        previous = state;
        return idle ? 'idle' : `pending ${pending}`;
      },
      (state) => state === 'idle',
      { timeoutMs, intervalMs: 100 },
    );
    return last;
  }

  /** Rows of a query (on the watch's own connection). */
  rows<T extends Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]> {
    return this.snapshots.query<T>(sql, values);
  }

  close(): Promise<void> {
    return this.snapshots.close();
  }
}
