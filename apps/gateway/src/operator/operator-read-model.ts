import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  createKafka,
  kafkaConsumerGroups,
  kafkaConsumerLag,
  PostgresMessageLog,
  TRANSPORT_OPTIONS,
  type Envelope,
  type TransportOptions,
} from '@tributary/messaging';
import { allTopics } from '@tributary/topics';
import type { Admin } from 'kafkajs';
import { DataSource } from 'typeorm';
import { WebhookReceiptEntity } from '../webhooks/receive-webhook/webhook-receipt.entity.js';
import type { ConsumerGroupLag, FlowMessage, OperatorDeadLetter, OperatorStats, PlatformInstance, WebhookDeliveryView } from './operator.dto.js';

const LIST_LIMIT = 50;
/** A heartbeat older than this is a process that is gone (it beats every 5 s). */
const STALE_AFTER_SECONDS = 20;

/** A log position per partition: where the live feed has read up to. */
export type FeedCursor = Map<string, bigint>;
const cursorKey = (topic: string, partition: number) => `${topic}#${partition}`;

/**
 * What the operator page shows, read from the tables it lives in — `messaging.*` (the log or the
 * outbox, consumer groups, dead letters), `gateway.webhook_receipts`, `platform.instances` — and,
 * in Kafka mode, the consumer groups' lag from the broker. Platform-wide, for the platform admin.
 * One read model for the page's one view: the overview query and the live feeds both read it. Its reads
 * of other libs' tables are SQL (aggregates and lateral joins over tables this app has no entities for).
 */
@Injectable()
export class OperatorReadModel implements OnApplicationShutdown {
  private readonly logger = new Logger('OperatorReadModel');
  private admin?: Promise<Admin>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: PostgresMessageLog,
    @Inject(TRANSPORT_OPTIONS) private readonly transport: TransportOptions,
  ) {}

  async stats(): Promise<OperatorStats> {
    const [topics, lag, deadLetters, deadLetterCount, instances] = [
      await this.topics(),
      await this.lag(),
      await this.deadLetters(),
      await this.deadLetterCount(),
      await this.instances(),
    ];
    const connectedClients = instances.reduce((sum, i) => sum + (i.connectedClients ?? 0), 0);
    return { at: new Date().toISOString(), topics, lag, deadLetters, deadLetterCount, instances, connectedClients };
  }

  private async topics() {
    // SQL: an aggregate over the messaging lib's topic_partitions (no entity here).
    const rows = await this.dataSource.query<{ topic: string; partitions: number; messages: string }[]>(
      `SELECT topic, count(*)::int AS partitions, sum(next_offset)::text AS messages FROM messaging.topic_partitions GROUP BY topic ORDER BY topic`,
    );
    return rows.map((r) => ({ topic: r.topic, partitions: r.partitions, messages: r.messages }));
  }

  /** The postgres log's groups (and the outbox relay) from its tables; in Kafka mode every consumer group from the broker too. */
  async lag(): Promise<ConsumerGroupLag[]> {
    // SQL: an aggregate join over the messaging lib's group and topic partitions (no entity here).
    const rows = await this.dataSource.query<{ group_id: string; topic: string; lag: string }[]>(
      `SELECT g.group_id, g.topic, sum(p.next_offset - g.committed_offset)::bigint AS lag
         FROM messaging.group_partitions g
         JOIN messaging.topic_partitions p ON p.topic = g.topic AND p.partition = g.partition
        GROUP BY g.group_id, g.topic ORDER BY g.group_id, g.topic`,
    );
    const lags: ConsumerGroupLag[] = rows.map((r) => ({ group: r.group_id, topic: r.topic, lag: Number(r.lag), source: 'postgres' }));
    if (this.transport.kind !== 'kafka') return lags;
    try {
      const admin = await (this.admin ??= this.connectAdmin(this.transport));
      const groups = await kafkaConsumerGroups(admin);
      const kafka = await kafkaConsumerLag(admin, groups, allTopics.map((t) => t.name));
      return [...lags, ...kafka.map((l) => ({ ...l, source: 'kafka' }))];
    } catch (error) {
      this.logger.warn(`Kafka consumer lag unavailable: ${(error as Error).message}`);
      const admin = this.admin;
      this.admin = undefined;
      admin?.then((a) => a.disconnect()).catch(() => undefined);
      return lags;
    }
  }

  private async connectAdmin(transport: Extract<TransportOptions, { kind: 'kafka' }>): Promise<Admin> {
    const admin = createKafka(transport.connection, this.logger).admin();
    await admin.connect();
    return admin;
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  async deadLetters(): Promise<OperatorDeadLetter[]> {
    // SQL: the messaging lib's dead letters, read-only (no entity here).
    const rows = await this.dataSource.query<DeadLetterRow[]>(
      `SELECT id::text, group_id, topic, message_id, tenant_id, error_code, error_message, attempts, dead_at
         FROM messaging.dead_letters WHERE status = 'dead' ORDER BY id DESC LIMIT $1`,
      [LIST_LIMIT],
    );
    return rows.map((r) => ({
      id: r.id,
      group: r.group_id,
      topic: r.topic,
      messageId: r.message_id,
      tenantId: r.tenant_id,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      attempts: r.attempts,
      deadAt: new Date(r.dead_at).toISOString(),
    }));
  }

  private async deadLetterCount(): Promise<number> {
    // SQL: a count over the messaging lib's dead letters (no entity here).
    const [row] = await this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM messaging.dead_letters WHERE status = 'dead'`);
    return row.n;
  }

  async instances(): Promise<PlatformInstance[]> {
    // SQL: platform.instances, the lifecycle lib's heartbeat table (no entity here).
    const rows = await this.dataSource.query<InstanceRow[]>(
      `SELECT instance_id, app, started_at, heartbeat_at, connected_clients FROM platform.instances
        WHERE heartbeat_at > now() - make_interval(secs => $1) ORDER BY app, started_at`,
      [STALE_AFTER_SECONDS],
    );
    return rows.map((r) => ({
      app: r.app,
      instanceId: r.instance_id,
      startedAt: new Date(r.started_at).toISOString(),
      heartbeatAt: new Date(r.heartbeat_at).toISOString(),
      connectedClients: r.connected_clients,
    }));
  }

  /** The newest messages: the last few of each partition (an index range each), newest first. */
  async recentMessages(): Promise<FlowMessage[]> {
    // SQL: a LATERAL join over the messaging log, an index range per partition (no ORM form).
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT m.topic, m.partition, m."offset"::text AS "offset", m.envelope, m.appended_at
         FROM messaging.topic_partitions p
         JOIN LATERAL (
           SELECT * FROM messaging.messages m
            WHERE m.topic = p.topic AND m.partition = p.partition AND m."offset" >= p.next_offset - $1
         ) m ON true
        ORDER BY m.appended_at DESC, m.topic, m.partition, m."offset" DESC LIMIT $1`,
      [LIST_LIMIT],
    );
    return rows.map(toFlowMessage);
  }

  /** Where the log ends now, per partition: a live feed starts here. */
  async feedStart(): Promise<FeedCursor> {
    // SQL: the messaging lib's partition ends (no entity here).
    const rows = await this.dataSource.query<{ topic: string; partition: number; next_offset: string }[]>(
      `SELECT topic, partition, next_offset::text AS next_offset FROM messaging.topic_partitions`,
    );
    return new Map(rows.map((r) => [cursorKey(r.topic, r.partition), BigInt(r.next_offset)]));
  }

  /**
   * Messages appended past the cursor, in log order per partition, at most `limit`; moves the cursor.
   * Offsets become visible in order (appends lock their partition row until commit), so nothing is skipped.
   */
  async feedNext(cursor: FeedCursor, limit = 500): Promise<FlowMessage[]> {
    // SQL: the messaging lib's partition ends (no entity here).
    const ends = await this.dataSource.query<{ topic: string; partition: number; next_offset: string }[]>(
      `SELECT topic, partition, next_offset::text AS next_offset FROM messaging.topic_partitions`,
    );
    const behind = ends.filter((e) => BigInt(e.next_offset) > (cursor.get(cursorKey(e.topic, e.partition)) ?? 0n));
    if (behind.length === 0) return [];
    // SQL: a join on unnest arrays over the messaging log (no ORM form).
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT m.topic, m.partition, m."offset"::text AS "offset", m.envelope, m.appended_at
         FROM unnest($1::text[], $2::int[], $3::bigint[]) AS c(topic, partition, next)
         JOIN messaging.messages m ON m.topic = c.topic AND m.partition = c.partition AND m."offset" >= c.next
        ORDER BY m.appended_at, m.topic, m.partition, m."offset" LIMIT $4`,
      [
        behind.map((b) => b.topic),
        behind.map((b) => b.partition),
        behind.map((b) => String(cursor.get(cursorKey(b.topic, b.partition)) ?? 0n)),
        limit,
      ],
    );
    for (const row of rows) {
      const key = cursorKey(row.topic, row.partition);
      const next = BigInt(row.offset) + 1n;
      if (next > (cursor.get(key) ?? 0n)) cursor.set(key, next);
    }
    return rows.map(toFlowMessage);
  }

  /** The newest accepted deliveries from every gateway replica. */
  async recentReceipts(): Promise<WebhookDeliveryView[]> {
    const receipts = await this.dataSource.getRepository(WebhookReceiptEntity).find({ order: { receivedAt: 'DESC' }, take: LIST_LIMIT });
    return receipts.map((r) => ({ at: r.receivedAt.toISOString(), webhookId: r.webhookId, status: 202, code: null, eventId: r.eventId, traceId: null }));
  }
}

interface MessageRow {
  topic: string;
  partition: number;
  offset: string;
  envelope: Partial<Envelope>;
  appended_at: Date;
}

function toFlowMessage(row: MessageRow): FlowMessage {
  return {
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    messageId: String(row.envelope.id ?? ''),
    tenantId: row.envelope.tenantid ?? null,
    subject: row.envelope.subject ?? null,
    source: row.envelope.source ?? null,
    appendedAt: new Date(row.appended_at).toISOString(),
  };
}

interface DeadLetterRow {
  id: string;
  group_id: string;
  topic: string;
  message_id: string;
  tenant_id: string | null;
  error_code: string;
  error_message: string;
  attempts: number;
  dead_at: Date;
}

interface InstanceRow {
  instance_id: string;
  app: string;
  started_at: Date;
  heartbeat_at: Date;
  connected_clients: number | null;
}
