import { commitSignal, type Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';
import { partitionFor } from './partitioner.js';

/** The NOTIFY channel publishers wake other processes on (payload: the topic; a wake-up only). */
export const MESSAGES_CHANNEL = 'tributary_messages';

/** The in-process wake-up channel of a topic (see `commitSignal`). */
export const topicChannel = (topic: string): string => `messages:${topic}`;

export interface StoredMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly envelope: Envelope;
}

export interface AppendedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly messageId: string;
}

/**
 * The postgres transport's durable log: topics split into partitions, each an ordered run of
 * offsets. Appending is done on the caller's `Queryable`, so a message written inside the caller's
 * transaction is published exactly when — and only if — that transaction commits (an outbox that
 * is also the log).
 */
export class PostgresMessageLog {
  private readonly partitionCounts = new Map<string, number>();

  constructor(private readonly defaultPartitions: number = 8) {}

  async append(q: Queryable, envelopes: readonly Envelope[]): Promise<AppendedMessage[]> {
    const byPartition = new Map<string, { topic: string; partition: number; items: Envelope[] }>();
    for (const envelope of envelopes) {
      const partitions = await this.partitionsOf(q, envelope.type);
      const partition = partitionFor(partitionKeyOf(envelope), partitions);
      const slot = `${envelope.type}\u0000${partition}`;
      const group = byPartition.get(slot) ?? { topic: envelope.type, partition, items: [] };
      group.items.push(envelope);
      byPartition.set(slot, group);
    }
    const appended: AppendedMessage[] = [];
    for (const { topic, partition, items } of byPartition.values()) {
      const rows = await q.query<{ offset: string; message_id: string }>(
        `WITH slot AS (
           UPDATE messaging.topic_partitions SET next_offset = next_offset + $3
            WHERE topic = $1 AND partition = $2
           RETURNING next_offset - $3 AS first
         ), added AS (
           INSERT INTO messaging.messages (topic, partition, "offset", message_id, key, envelope)
           SELECT $1, $2, slot.first + m.ord - 1, m.id, m.key, m.envelope
             FROM slot, unnest($4::uuid[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS m(id, key, envelope, ord)
           RETURNING "offset", message_id
         )
         SELECT "offset", message_id FROM added ORDER BY "offset"`,
        [
          topic,
          partition,
          items.length,
          items.map((e) => e.id),
          items.map((e) => partitionKeyOf(e)),
          items.map((e) => JSON.stringify(e)),
        ],
      );
      if (rows.length !== items.length) {
        throw new TributaryError('unavailable', 'topic_not_provisioned', `Partition ${partition} of "${topic}" is missing`);
      }
      for (const row of rows) {
        appended.push({ topic, partition, offset: Number(row.offset), messageId: row.message_id });
      }
    }
    const topics = [...new Set(envelopes.map((e) => e.type))];
    topics.forEach((topic) => commitSignal.afterCommit(q, topicChannel(topic)));
    if (topics.length > 0) {
      await q.query(`SELECT pg_notify($1, t) FROM unnest($2::text[]) AS t`, [MESSAGES_CHANNEL, topics]);
    }
    return appended;
  }

  async read(q: Queryable, topic: string, partition: number, fromOffset: number, limit: number): Promise<StoredMessage[]> {
    const rows = await q.query<{ offset: string; envelope: Envelope }>(
      `SELECT "offset", envelope FROM messaging.messages
        WHERE topic = $1 AND partition = $2 AND "offset" >= $3
        ORDER BY "offset" LIMIT $4`,
      [topic, partition, fromOffset, limit],
    );
    return rows.map((r) => ({ topic, partition, offset: Number(r.offset), envelope: r.envelope }));
  }

  /** Creates the topics (with the default partition count) that do not exist yet; counts never change after. */
  async provision(q: Queryable, topics: readonly string[]): Promise<void> {
    await q.query(
      `WITH t AS (
         INSERT INTO messaging.topics (topic, partitions)
         SELECT unnest($1::text[]), $2 ON CONFLICT (topic) DO NOTHING RETURNING topic, partitions
       )
       INSERT INTO messaging.topic_partitions (topic, partition)
       SELECT t.topic, p FROM t, generate_series(0, t.partitions - 1) AS p ON CONFLICT DO NOTHING`,
      [topics, this.defaultPartitions],
    );
  }

  async partitionsOf(q: Queryable, topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known) return known;
    const [row] = await q.query<{ partitions: number }>(`SELECT partitions FROM messaging.topics WHERE topic = $1`, [
      topic,
    ]);
    if (!row) throw new TributaryError('unavailable', 'topic_not_provisioned', `Topic "${topic}" is not provisioned`);
    this.partitionCounts.set(topic, row.partitions);
    return row.partitions;
  }
}
