import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TopicPartitionEntity, type Envelope } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import { encodeCursor, partitionKey, type ListenCursor } from './listen-cursor.js';
import type { ListenedEvent, ListenPage } from './listen.dto.js';
import { ReadListenPage } from './read-listen-page.query.js';

/** Events per page: a listener that is behind catches up a page per poll. */
const PAGE = 100;

interface Row {
  topic: string;
  partition: number;
  offset: string;
  envelope: Envelope;
}

/**
 * The live source of `tributary listen`: the message log (`messaging.messages`, the transport in postgres mode and
 * the outbox in Kafka mode), read the way the operator page's feed reads it — past a cursor of partition offsets,
 * up to each partition's end, where offsets are visible in order, so nothing is skipped — but only the caller's
 * tenant's messages (the tenant is the principal's, matched in SQL), and for a webhook only the events its
 * deliveries became (its receipts, written in the same transaction as the event).
 */
@QueryHandler(ReadListenPage)
export class ReadListenPageHandler implements IQueryHandler<ReadListenPage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ tenant, cursor, filter }: ReadListenPage): Promise<ListenPage> {
    const ends = (await this.dataSource.manager.find(TopicPartitionEntity)).filter((e) => filter.topic === undefined || e.topic === filter.topic);
    if (cursor === undefined) return { events: [], cursor: encodeCursor(new Map(ends.map((e) => [partitionKey(e.topic, e.partition), BigInt(e.nextOffset)]))) };
    const next: ListenCursor = new Map(ends.map((e) => [partitionKey(e.topic, e.partition), cursor.get(partitionKey(e.topic, e.partition)) ?? 0n]));
    const behind = ends.filter((e) => BigInt(e.nextOffset) > next.get(partitionKey(e.topic, e.partition))!);
    if (behind.length === 0) return { events: [], cursor: encodeCursor(next) };
    // SQL: a join on unnest arrays over the messaging log, filtered on the envelope's tenant (no ORM form).
    const rows = await this.dataSource.query<Row[]>(
      `SELECT m.topic, m.partition, m."offset"::text AS "offset", m.envelope
         FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[]) AS c(topic, partition, next, last)
         JOIN messaging.messages m ON m.topic = c.topic AND m.partition = c.partition AND m."offset" >= c.next AND m."offset" < c.last
        WHERE m.envelope->>'tenantid' = $5
          AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM gateway.webhook_receipts r WHERE r.webhook_id = $6::uuid AND r.event_id = m.message_id))
        ORDER BY m.topic, m.partition, m."offset" LIMIT $7`,
      [
        behind.map((b) => b.topic),
        behind.map((b) => b.partition),
        behind.map((b) => String(next.get(partitionKey(b.topic, b.partition)))),
        behind.map((b) => String(b.nextOffset)),
        tenant.tenantId,
        filter.webhookId ?? null,
        PAGE,
      ],
    );
    const events = rows.map((row) => {
      next.set(partitionKey(row.topic, row.partition), BigInt(row.offset) + 1n);
      return { event: listened(row.envelope), cursor: encodeCursor(next) };
    });
    // A short page read every partition to its end: the cursor moves there (past other tenants' messages too).
    if (rows.length < PAGE) for (const b of behind) next.set(partitionKey(b.topic, b.partition), BigInt(b.nextOffset));
    return { events, cursor: encodeCursor(next) };
  }
}

/** The envelope without the platform's own signature (an internal MAC, of no use outside). */
function listened(envelope: Envelope): ListenedEvent {
  const { signature: _signature, ...event } = envelope;
  return event as ListenedEvent;
}
