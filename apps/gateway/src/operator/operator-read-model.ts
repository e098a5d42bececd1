import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  createKafka,
  DeadLetterEntity,
  GroupPartitionEntity,
  kafkaConsumerGroups,
  kafkaConsumerLag,
  PostgresMessageLog,
  TopicPartitionEntity,
  TRANSPORT_OPTIONS,
  type Envelope,
  type TransportOptions,
} from '@tributary/messaging';
import { allTopics } from '@tributary/topics';
import type { Admin } from 'kafkajs';
import { InstanceEntity } from '@tributary/database';
import { DataSource, Raw } from 'typeorm';
import { IngestEntryEntity } from '../ingest/ingest-entry.entity.js';
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
 * of the messaging log itself (a lateral join, unnest arrays) are SQL; the rest go through the libs' entities.
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
    const rows = await this.dataSource
      .createQueryBuilder(TopicPartitionEntity, 'p')
      .select('p.topic', 'topic')
      .addSelect('count(*)::int', 'partitions')
      .addSelect('sum(p.next_offset)::text', 'messages')
      .groupBy('p.topic')
      .orderBy('p.topic')
      .getRawMany<{ topic: string; partitions: number; messages: string }>();
    return rows.map((r) => ({ topic: r.topic, partitions: r.partitions, messages: r.messages }));
  }

  /** The postgres log's groups (and the outbox relay) from its tables; in Kafka mode every consumer group from the broker too. */
  async lag(): Promise<ConsumerGroupLag[]> {
    const rows = await this.dataSource
      .createQueryBuilder(GroupPartitionEntity, 'g')
      .innerJoin(TopicPartitionEntity, 'p', 'p.topic = g.topic AND p.partition = g.partition')
      .select('g.group_id', 'group_id')
      .addSelect('g.topic', 'topic')
      .addSelect('sum(p.next_offset - g.committed_offset)::bigint', 'lag')
      .groupBy('g.group_id')
      .addGroupBy('g.topic')
      .orderBy('g.group_id')
      .addOrderBy('g.topic')
      .getRawMany<{ group_id: string; topic: string; lag: string }>();
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
    const letters = await this.dataSource.manager.find(DeadLetterEntity, { where: { status: 'dead' }, order: { id: 'DESC' }, take: LIST_LIMIT });
    return letters.map(toDeadLetter);
  }

  private deadLetterCount(): Promise<number> {
    return this.dataSource.manager.count(DeadLetterEntity, { where: { status: 'dead' } });
  }

  async instances(): Promise<PlatformInstance[]> {
    const alive = Raw<Date>((column) => `${column} > now() - make_interval(secs => :stale)`, { stale: STALE_AFTER_SECONDS });
    const instances = await this.dataSource.manager.find(InstanceEntity, { where: { heartbeatAt: alive }, order: { app: 'ASC', startedAt: 'ASC' } });
    return instances.map((i) => ({
      app: i.app,
      instanceId: i.instanceId,
      startedAt: i.startedAt.toISOString(),
      heartbeatAt: i.heartbeatAt.toISOString(),
      connectedClients: i.connectedClients,
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
    const ends = await this.dataSource.manager.find(TopicPartitionEntity);
    return new Map(ends.map((e) => [cursorKey(e.topic, e.partition), BigInt(e.nextOffset)]));
  }

  /**
   * Messages appended past the cursor, in log order per partition, at most `limit`; moves the cursor.
   * Offsets become visible in order (appends lock their partition row until commit), so nothing is skipped.
   */
  async feedNext(cursor: FeedCursor, limit = 500): Promise<FlowMessage[]> {
    const ends = await this.dataSource.manager.find(TopicPartitionEntity);
    const behind = ends.filter((e) => BigInt(e.nextOffset) > (cursor.get(cursorKey(e.topic, e.partition)) ?? 0n));
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

  /** The newest deliveries every gateway replica answered, accepted or refused: the ingest log's, across tenants. */
  async recentDeliveries(limit: number): Promise<WebhookDeliveryView[]> {
    const entries = await this.dataSource.getRepository(IngestEntryEntity).find({ where: { actorKind: 'webhook' }, order: { receivedAt: 'DESC', id: 'DESC' }, take: limit });
    return entries.map((e) => ({ at: e.receivedAt.toISOString(), webhookId: e.actorId, status: e.status, code: e.errorCode, eventId: e.eventId, traceId: e.traceId }));
  }
}

interface MessageRow {
  topic: string;
  partition: number;
  offset: string;
  envelope: Partial<Envelope>;
  appended_at: Date;
}

/** A dead letter as the operator page shows it (its list, and the path of one event). */
export function toDeadLetter(d: DeadLetterEntity): OperatorDeadLetter {
  return {
    id: String(d.id),
    group: d.groupId,
    topic: d.topic,
    messageId: d.messageId,
    tenantId: d.tenantId,
    errorCode: d.errorCode,
    errorMessage: d.errorMessage,
    attempts: d.attempts,
    deadAt: d.deadAt.toISOString(),
  };
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

