import { Inject, Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';

export const MESSAGE_RETENTION_SECONDS = Symbol('MESSAGE_RETENTION_SECONDS');

const BATCH = 5_000;

/** How long a consumer group unseen still holds the log's messages back: a week (Kafka's default for offsets). */
export const GROUP_EXPIRY_SECONDS = 7 * 24 * 3_600;

/**
 * The message log's retention (`messaging.messages`: the postgres transport's log, or Kafka mode's
 * outbox): a message is deleted once it is older than the retention AND every consumer group that
 * reads its partition has committed past it (in Kafka mode, the outbox relay's group). A partition
 * no group reads keeps its messages. A group not seen (holding a lease of the partition) for
 * `GROUP_EXPIRY_SECONDS` or the retention, whichever is longer, no longer counts — like Kafka's
 * `offsets.retention.minutes` for an empty group: a removed named queue or a renamed app's group would
 * otherwise keep its partitions' messages for good. Runs in every app that publishes, once a minute.
 */
@Injectable()
export class MessageLogRetention extends PeriodicSweep {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGE_RETENTION_SECONDS) private readonly retentionSeconds: number,
  ) {
    super({ name: 'MessageLogRetention', everyMs: 60_000, batchSize: BATCH });
  }

  protected async deleteBatch(): Promise<number> {
    // SQL: a batch DELETE … USING a LIMITed CTE (no ORM form) on the message log
    const rows = await this.dataSource.query<{ n: string }[]>(
      `WITH live AS (
         SELECT group_id FROM messaging.group_partitions GROUP BY group_id
         HAVING max(seen_at) > now() - make_interval(secs => $2::float8)
       ), committed AS (
         SELECT topic, partition, min(committed_offset) AS upto FROM messaging.group_partitions
          WHERE group_id IN (SELECT group_id FROM live) GROUP BY topic, partition
       ), expired AS (
         SELECT m.topic, m.partition, m."offset" FROM committed c
           JOIN messaging.messages m ON m.topic = c.topic AND m.partition = c.partition AND m."offset" < c.upto
          WHERE m.appended_at < now() - make_interval(secs => $1::float8)
          LIMIT ${BATCH}
       ), deleted AS (
         DELETE FROM messaging.messages m USING expired e
          WHERE m.topic = e.topic AND m.partition = e.partition AND m."offset" = e."offset" RETURNING 1
       ) SELECT count(*) AS n FROM deleted`,
      [this.retentionSeconds, Math.max(this.retentionSeconds, GROUP_EXPIRY_SECONDS)],
    );
    return Number(rows[0].n);
  }
}
