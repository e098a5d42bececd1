import { commitSignal, type Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';
import type { CrossProcessWakeup } from './cross-process-wakeup.js';
import { partitionFor } from './partitioner.js';

/** The NOTIFY channel publishers wake other processes on (payload: `topic#partition` written to; a wake-up only). */
export const MESSAGES_CHANNEL = 'tributary_messages';

// What the append statement's error says when a message's partition row is missing.
const PARTITION_MISSING = 'tributary: no partition row for';

/**
 * The in-process wake-up channel of a partition (see `commitSignal`): an append wakes only the
 * consumers of the partitions it wrote to, not every partition of the topic.
 */
export const partitionChannel = (topic: string, partition: number): string => `messages:${topic}#${partition}`;

export interface StoredMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly envelope: Envelope;
  /** The partition key it was appended under (`tenant:subject`). */
  readonly key?: string;
}

/**
 * What entitles envelopes to be appended, decided in the append's own statement: `sql` (with
 * parameters `$1`…`$n`, the values in `parameters`) is a statement — typically an idempotency
 * receipt's `INSERT … ON CONFLICT … RETURNING` — that yields a column `id` of the envelope ids to append.
 */
export interface AppendClaim {
  readonly sql: string;
  readonly parameters: readonly unknown[];
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

  /**
   * `wakeup` notifies other processes' consumers after each appending commit; without one (the
   * embedded database, whose NOTIFY reaches no one) only this process's consumers are woken.
   */
  constructor(
    private readonly defaultPartitions: number = 8,
    private readonly wakeup?: CrossProcessWakeup,
  ) {}

  /**
   * Appends in one statement, whatever the number of partitions: the partition rows are locked in
   * (topic, partition) order — so two appending transactions never wait on each other in a cycle —
   * each is advanced by its number of new messages, and the messages take the offsets in between.
   *
   * With a `claim`, the claim's statement runs first in the same statement (so in the same
   * transaction, even on a connection in autocommit: one round trip, one commit) and only the
   * envelopes whose ids it yields are appended; the others are left out and not returned.
   */
  async append(q: Queryable, envelopes: readonly Envelope[], claim?: AppendClaim): Promise<AppendedMessage[]> {
    if (envelopes.length === 0) return [];
    const topics = [...new Set(envelopes.map((e) => e.type))];
    // One query at a time on the caller's connection (it may be inside a transaction).
    const counts = new Map<string, number>();
    for (const topic of topics) counts.set(topic, await this.partitionsOf(q, topic));
    const keys = envelopes.map(partitionKeyOf);
    const partitions = envelopes.map((e, i) => partitionFor(keys[i], counts.get(e.type)!));
    const first = claim?.parameters.length ?? 0;
    const $ = (n: number) => `$${first + n}`;
    // SQL: the message log's append (hot path: one statement, whatever the partitions)
    const rows = await q.query<{ topic: string; partition: number; offset: string; message_id: string }>(
      `WITH ${claim ? `claimed AS (${claim.sql}), ` : ''}input AS (
         SELECT * FROM ROWS FROM (unnest(${$(1)}::text[]), unnest(${$(2)}::int[]), unnest(${$(3)}::uuid[]), unnest(${$(4)}::text[]),
                                  jsonb_array_elements(${$(5)}::jsonb))
           WITH ORDINALITY AS m(topic, partition, id, key, envelope, ord)
         ${claim ? 'WHERE m.id IN (SELECT id FROM claimed)' : ''}
       ), wanted AS (
         SELECT topic, partition, count(*) AS n FROM input GROUP BY topic, partition
       ), locked AS (
         SELECT tp.topic, tp.partition FROM messaging.topic_partitions tp
           JOIN wanted w ON w.topic = tp.topic AND w.partition = tp.partition
          ORDER BY tp.topic, tp.partition FOR UPDATE OF tp
       ), slots AS (
         UPDATE messaging.topic_partitions tp SET next_offset = tp.next_offset + w.n
           FROM wanted w, locked l
          WHERE tp.topic = w.topic AND tp.partition = w.partition AND l.topic = w.topic AND l.partition = w.partition
         RETURNING tp.topic, tp.partition, tp.next_offset - w.n AS first
       ), placed AS (
         SELECT i.topic, i.partition, s.first + row_number() OVER (PARTITION BY i.topic, i.partition ORDER BY i.ord) - 1 AS "offset",
                i.id, i.key, i.envelope, i.ord
           FROM input i JOIN slots s ON s.topic = i.topic AND s.partition = i.partition
       ), added AS (
         INSERT INTO messaging.messages (topic, partition, "offset", message_id, key, envelope)
         SELECT topic, partition, "offset", id, key, envelope FROM placed
       )
       -- A message without its partition row fails the whole statement (and with it the claim).
       SELECT p.topic, p.partition, p."offset", i.id AS message_id,
              CASE WHEN p."offset" IS NULL THEN ('${PARTITION_MISSING} ' || i.topic || '/' || i.partition)::int END AS missing
         FROM input i LEFT JOIN placed p ON p.ord = i.ord
        ORDER BY i.ord`,
      [
        ...(claim?.parameters ?? []),
        envelopes.map((e) => e.type),
        partitions,
        envelopes.map((e) => e.id),
        keys,
        // One JSON array rather than a jsonb[]: no array-literal quoting of every envelope.
        JSON.stringify(envelopes),
      ],
    ).catch((error: unknown) => {
      if (!String((error as Error)?.message).includes(PARTITION_MISSING)) throw error;
      throw new TributaryError('unavailable', 'topic_not_provisioned', 'A partition of the topic is missing');
    });
    const written = new Set(envelopes.map((e, i) => partitionChannel(e.type, partitions[i])));
    written.forEach((channel) => commitSignal.afterCommit(q, channel));
    const { wakeup } = this;
    if (wakeup) {
      const slots = new Set(envelopes.map((e, i) => `${e.type}#${partitions[i]}`));
      commitSignal.afterCommitRun(q, () => wakeup.notify(slots));
    }
    return rows.map((r) => ({ topic: r.topic, partition: r.partition, offset: Number(r.offset), messageId: r.message_id }));
  }

  async read(q: Queryable, topic: string, partition: number, fromOffset: number, limit: number): Promise<StoredMessage[]> {
    // SQL: the message log's read (hot path)
    const rows = await q.query<{ offset: string; envelope: Envelope; key: string }>(
      `SELECT "offset", envelope, key FROM messaging.messages
        WHERE topic = $1 AND partition = $2 AND "offset" >= $3
        ORDER BY "offset" LIMIT $4`,
      [topic, partition, fromOffset, limit],
    );
    return rows.map((r) => ({ topic, partition, offset: Number(r.offset), envelope: r.envelope, key: r.key }));
  }

  /** Creates the topics (with the default partition count) that do not exist yet; counts never change after. */
  async provision(q: Queryable, topics: readonly string[]): Promise<void> {
    // SQL: unnest / generate_series with ON CONFLICT DO NOTHING (no ORM form)
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
    // SQL: the message log's partition count, on the append path (cached after the first read)
    const [row] = await q.query<{ partitions: number }>(`SELECT partitions FROM messaging.topics WHERE topic = $1`, [
      topic,
    ]);
    if (!row) throw new TributaryError('unavailable', 'topic_not_provisioned', `Topic "${topic}" is not provisioned`);
    this.partitionCounts.set(topic, row.partitions);
    return row.partitions;
  }
}
