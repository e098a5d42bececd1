import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createEnvelope, createKafka, MessageSigner, toKafkaMessage, type Envelope } from '@tributary/messaging';
import { eventually, startTestKafka, type TestKafka } from '@tributary/testing';
import { Topics, type TopicDefinition } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../support/event-store-fixture.js';

/**
 * The event store consuming Kafka (the Kafka-protocol test broker, or a real Kafka with
 * KAFKA_BROKERS): a batch delivered three times leaves the log and every projection exactly as one
 * delivery did.
 */
describe('the event store on Kafka', () => {
  let fixture: EventStoreFixture;
  let kafka: TestKafka;
  let client: Kafka;
  let store: RunningEventStore;
  const tenants = [randomUUID(), randomUUID()];

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    kafka = await startTestKafka();
    client = createKafka({ brokers: kafka.brokers, clientId: 'event-store-test' }, new Logger('kafka'));
    store = await fixture.start({
      TRIBUTARY_TRANSPORT: 'kafka',
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_PARTITIONS: '4',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      PROJECTION_POLL_MS: '50',
    });
  });

  afterAll(async () => {
    await store?.close();
    await kafka?.stop();
    await fixture?.drop();
  });

  /** A batch as a producer would send it: package updates and build events of two tenants, signed. */
  function batch(): Envelope[] {
    const signer = new MessageSigner({ active: { id: fixture.secrets.TRIBUTARY_SIGNING_KEY_ID, secret: fixture.secrets.TRIBUTARY_SIGNING_KEY } });
    const sign = <T extends object>(topic: TopicDefinition<T>, data: T, tenantId: string) =>
      signer.sign(createEnvelope(topic, data, { source: 'producer', tenantId }));
    return tenants.flatMap((tenantId) => [
      ...Array.from({ length: 20 }, (_, i) =>
        sign(Topics.packageUpdated, { trackingId: `PKG-${i % 6}`, carrier: 'dhl', status: i % 2 ? 'in_transit' : 'delivered', carrierStatus: `#${i}`, occurredAt: new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString() }, tenantId),
      ),
      ...Array.from({ length: 3 }, (_, i) => {
        const ids = { buildId: randomUUID(), projectId: tenants[0] };
        return [
          sign(Topics.buildCreated, { ...ids, createdAt: '2026-11-23T10:00:00Z', branchName: `b-${i}` }, tenantId),
          sign(Topics.buildDiskUsageUpdated, { ...ids, measuredAt: '2026-11-23T10:01:00Z', realBytes: 100 * (i + 1), virtualBytes: 1000 }, tenantId),
          sign(Topics.buildUpdated, { ...ids, updatedAt: '2026-11-23T10:02:00Z', status: 'success' }, tenantId),
        ];
      }).flat(),
    ]);
  }

  const deliver = async (envelopes: Envelope[]) => {
    const producer = client.producer();
    await producer.connect();
    const byTopic = new Map<string, Envelope[]>();
    for (const e of envelopes) byTopic.set(e.type, [...(byTopic.get(e.type) ?? []), e]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map(toKafkaMessage) })) });
    await producer.disconnect();
  };

  /** Until the event store's group has committed everything on the topics, and the projections applied the log. */
  const settled = async () => {
    const admin = client.admin();
    await admin.connect();
    try {
      const topics = [Topics.packageUpdated.name, Topics.buildCreated.name, Topics.buildUpdated.name, Topics.buildDiskUsageUpdated.name];
      await eventually(
        async () => {
          let behind = 0;
          for (const topic of topics) {
            const high = await admin.fetchTopicOffsets(topic);
            const [committed] = await admin.fetchOffsets({ groupId: 'event-store', topics: [topic] });
            for (const p of high) {
              const at = Number(committed.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
              behind += Number(p.high) - Math.max(at, 0);
            }
          }
          return behind;
        },
        (behind) => behind === 0,
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      await admin.disconnect();
    }
    await eventually(
      () =>
        store.dataSource.query(
          `SELECT count(*)::int AS n FROM event_store.projection_checkpoints c JOIN event_store.events e
              ON (e.transaction_id, e.position) > (c.transaction_id, c.position)`,
        ),
      (r) => r[0].n === 0,
      { timeoutMs: 30_000 },
    );
  };

  const snapshot = async () => ({
    log: await store.dataSource.query(
      `SELECT position, event_id, tenant_id, stream_id, stream_version, type, data, metadata, occurred_at FROM event_store.events ORDER BY position`,
    ),
    streams: await store.dataSource.query(`SELECT tenant_id, stream_id, version FROM event_store.streams ORDER BY 1, 2`),
    packages: await store.dataSource.query(`SELECT * FROM event_store.package_status ORDER BY tenant_id, tracking_id`),
    builds: await store.dataSource.query(`SELECT * FROM event_store.builds ORDER BY tenant_id, build_id`),
  });

  it('keeps the log and the projections identical when the same batch is delivered three times', async () => {
    const envelopes = batch();
    await deliver(envelopes);
    await settled();
    const once = await snapshot();
    expect(once.log.map((e: { event_id: string }) => e.event_id).sort()).toEqual(envelopes.map((e) => e.id).sort());
    expect(once.packages).toHaveLength(12);
    expect(once.builds).toHaveLength(6);
    // Every stream numbered 1..n without a gap.
    const versions = new Map<string, number[]>();
    for (const e of once.log) versions.set(`${e.tenant_id}/${e.stream_id}`, [...(versions.get(`${e.tenant_id}/${e.stream_id}`) ?? []), e.stream_version]);
    for (const list of versions.values()) expect(list).toEqual(list.map((_, i) => i + 1));

    await deliver(envelopes);
    await deliver(envelopes);
    await settled();
    expect(await snapshot()).toEqual(once);
  });
});
