import { createTestDatabase, eventually, LogCapture, startTestKafka, type TestDatabase, type TestKafka } from '@tributary/testing';
import { startGateway, type RunningGateway } from '../support/gateway-harness.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

interface Readiness {
  status: number;
  /** Ready: terminus's result; not ready: the platform's error body, the checks that are down in its details. */
  body: { status?: string; info?: Record<string, Record<string, unknown>>; error?: { code: string; message: string; details?: { checks: Record<string, unknown> } } };
}

const ready = async (url: string): Promise<Readiness> => {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
};

/**
 * /health/ready checks the database and the app's message transport: the message log, in Kafka
 * mode the broker, and each consumer group member the app runs (the gateway only publishes).
 */
describe('readiness: the database and the message transport', () => {
  describe('postgres transport', () => {
    let db: TestDatabase;
    let gateway: RunningGateway;
    let worker: RunningWorker;

    beforeAll(async () => {
      db = await createTestDatabase();
      gateway = await startGateway(db.url, new LogCapture());
      worker = await startWorker();
    });

    afterAll(async () => {
      await gateway?.close();
      await worker?.stop();
      await db?.drop();
    });

    it('reports the message log and the consumer groups as up', async () => {
      expect(await ready(gateway.base)).toMatchObject({
        status: 200,
        body: { info: { database: { status: 'up' }, transport: { status: 'up', kind: 'postgres', consumers: [] } } },
      });
      expect(await ready(worker.url)).toMatchObject({
        status: 200,
        body: { info: { database: { status: 'up' }, transport: { status: 'up', kind: 'postgres', consumers: ['integration-worker'] } } },
      });
    });

    it('answers 503 without the message log, the database being up', async () => {
      await gateway.dataSource.query('ALTER TABLE messaging.messages RENAME TO messages_away');
      try {
        expect(await ready(gateway.base)).toMatchObject({
          status: 503,
          body: { error: { code: 'not_ready', message: expect.stringContaining('transport'), details: { checks: { transport: { status: 'down' } } } } },
        });
      } finally {
        await gateway.dataSource.query('ALTER TABLE messaging.messages_away RENAME TO messages');
      }
      expect((await ready(gateway.base)).status).toBe(200);
    });

    it('answers 503 once the consumer no longer consumes', async () => {
      // The transport strategy alone (closing the microservice would close the whole app's modules).
      for (const microservice of worker.app.getMicroservices()) await (microservice as unknown as { serverInstance: { close(): Promise<void> } }).serverInstance.close();
      expect(await ready(worker.url)).toMatchObject({
        status: 503,
        body: { error: { code: 'not_ready', details: { checks: { transport: { status: 'down', message: expect.stringContaining('consumer group integration-worker') } } } } },
      });
    });
  });

  describe('kafka transport', () => {
    let kafka: TestKafka;
    let db: TestDatabase;
    let worker: RunningWorker;
    let gateway: RunningGateway;

    beforeAll(async () => {
      kafka = await startTestKafka();
      const env = { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_PARTITIONS: '2' };
      worker = await startWorker(env);
      db = await createTestDatabase();
      gateway = await startGateway(db.url, new LogCapture(), env);
    });

    afterAll(async () => {
      await gateway?.close();
      await worker?.stop();
      await kafka?.stop();
      await db?.drop();
    });

    it('keeps the gateway (publish-only: its outbox takes webhooks) ready, and the worker only while the broker is up', async () => {
      await eventually(() => ready(worker.url), (r) => r.status === 200, { timeoutMs: 30_000 });
      expect((await ready(worker.url)).body.info?.transport).toMatchObject({ status: 'up', kind: 'kafka', consumers: ['integration-worker'], brokers: expect.any(Number) });
      if (!kafka.outage) {
        console.warn('KAFKA_BROKERS points at a real Kafka, which cannot be paused from here: outage case skipped');
        return;
      }
      await kafka.outage.pause();
      expect(await ready(gateway.base)).toMatchObject({ status: 200, body: { info: { transport: { status: 'up', kind: 'kafka', consumers: [] } } } });
      const during = await ready(worker.url);
      expect(during).toMatchObject({
        status: 503,
        body: { error: { code: 'not_ready', details: { checks: { transport: { status: 'down', message: expect.stringContaining('Kafka unreachable') } } } } },
      });
      await kafka.outage.resume();
      await eventually(() => ready(worker.url), (r) => r.status === 200, { timeoutMs: 30_000 });
    });
  });
});
