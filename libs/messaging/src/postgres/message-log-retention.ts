import { Inject, Injectable } from '@nestjs/common';
import { PeriodicSweep } from '@tributary/database';
import { DataSource } from 'typeorm';

export const MESSAGE_RETENTION_SECONDS = Symbol('MESSAGE_RETENTION_SECONDS');

const BATCH = 5_000;

/**
 * The message log's retention (`messaging.messages`: the postgres transport's log, or Kafka mode's
 * outbox): a message is deleted once it is older than the retention AND every consumer group that
 * reads its partition has committed past it (in Kafka mode, the outbox relay's group). A partition
 * no group reads keeps its messages. Runs in every app that publishes, once a minute.
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
      `WITH committed AS (
         SELECT topic, partition, min(committed_offset) AS upto FROM messaging.group_partitions GROUP BY topic, partition
       ), expired AS (
         SELECT m.topic, m.partition, m."offset" FROM committed c
           JOIN messaging.messages m ON m.topic = c.topic AND m.partition = c.partition AND m."offset" < c.upto
          WHERE m.appended_at < now() - make_interval(secs => $1::float8)
          LIMIT ${BATCH}
       ), deleted AS (
         DELETE FROM messaging.messages m USING expired e
          WHERE m.topic = e.topic AND m.partition = e.partition AND m."offset" = e."offset" RETURNING 1
       ) SELECT count(*) AS n FROM deleted`,
      [this.retentionSeconds],
    );
    return Number(rows[0].n);
  }
}
