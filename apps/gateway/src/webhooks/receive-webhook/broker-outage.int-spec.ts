import { createKafka } from '@tributary/messaging';
import { eventually, readJson, sendStandardWebhook, startTestKafka, testSecrets, type TestKafka } from '@tributary/testing';
import { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import {
  createTestDatabase,
  LogCapture,
  provisionTenant,
  startGateway,
  type RunningGateway,
  type TestDatabase,
} from '../../../../../test/support/gateway-harness.js';

const TOPIC = 'tracking.carrier-update.received';

/**
 * Kafka mode: a delivery is answered 202 once it is in the transactional outbox (PostgreSQL), so a
 * broker outage loses nothing — the relay forwards it when the broker is back.
 */
describe('webhook ingress while the Kafka broker is down', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let gateway: RunningGateway;
  let consumer: Consumer | undefined;
  const received = new Map<string, string>();
  const logs = new LogCapture();
  const keys = testSecrets();
  /** Every key and secret the gateway was given or handed out: none may be in a log line. */
  const secrets: string[] = [keys.TRIBUTARY_SIGNING_KEY, keys.TRIBUTARY_ENCRYPTION_KEY];

  beforeAll(async () => {
    db = await createTestDatabase();
    kafka = await startTestKafka();
    gateway = await startGateway(db.url, logs, { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_PARTITIONS: '2' }, keys);
    secrets.push(gateway.admin.key!);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await gateway?.close();
    await kafka?.stop();
    await db?.drop();
  });

  it('answers 202 from the outbox during the outage and delivers to Kafka after recovery', async () => {
    if (!kafka.outage) {
      console.warn('KAFKA_BROKERS points at a real Kafka, which cannot be paused from here: outage case skipped');
      return;
    }
    const { webhook, tenant } = await provisionTenant(gateway.admin, 'acme');
    secrets.push(tenant.apiKey, webhook.secret);
    await kafka.outage.pause();
    const answers: string[] = [];
    for (const trackingId of ['OUT-1', 'OUT-2', 'OUT-3']) {
      const response = await sendStandardWebhook(webhook.url, webhook.secret, { trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });
      expect(response.status).toBe(202);
      answers.push((await readJson(response)).eventId as string);
    }
    const outbox = await gateway.dataSource.query(`SELECT message_id FROM messaging.messages WHERE message_id = ANY($1::uuid[])`, [answers]);
    expect(outbox).toHaveLength(3);

    await kafka.outage.resume();
    consumer = createKafka({ brokers: kafka.brokers, clientId: 'outage-test' }, new Logger('test')).consumer({ groupId: 'outage-test' });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.ce_id?.toString();
        if (id) received.set(id, message.value!.toString());
      },
    });
    await eventually(async () => answers.filter((id) => received.has(id)).length, (n) => n === 3, { timeoutMs: 60_000, intervalMs: 200 });
    expect(JSON.parse(received.get(answers[0])!)).toMatchObject({ trackingId: 'OUT-1' });
  });

  it('logs no key, token or webhook secret through the outage and the recovery', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.leaked(secrets)).toEqual([]);
  });
});
