import { randomUUID } from 'node:crypto';
import { Injectable, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { CodedErrorFilter, configureHttpEdge, validationPipe } from '@tributary/edge';
import {
  MESSAGING_ENTITIES,
  messagingMigrations,
  MessagePublisher,
  MessagingModule,
  PostgresMessageLog,
  type Envelope,
  type QueueOptions,
  type TransportOptions,
} from '@tributary/messaging';
import { ApiKeys, tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { eventually, testSecrets } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { CONTRACT_KEYS, kafkaHarness, postgresHarness, type TransportHarness } from '../../../../test/contract/transport-harness.js';
import { WORKER_ENTITIES } from '../database/worker.entities.js';
import { workerMigrations } from '../database/worker.migrations.js';
import { DeadLettersModule } from '../dead-letters/dead-letters.module.js';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { IngestModule } from '../ingest/ingest.module.js';
import { defineIntegration, route } from '../sdk/integration.js';
import type { HandlerContext, IntegrationHandler } from '../sdk/integration-handler.js';
import { connectIntegrationConsumers } from './integration-consumers.js';
import { IntegrationsModule } from './integrations.module.js';
import { loadWorkerConfig, WorkerConfig } from '../worker.config.js';

const GROUP = 'queue-test';
const TOPIC = Topics.carrierUpdateReceived;

/** Package updates (`trackingId@occurredAt`) the audit-a queue's handler fails on (retryably): its poison. */
const poisoned = new Set<string>();

@Injectable()
class QueueProbe implements IntegrationHandler<CarrierUpdateReceived> {
  handle(update: CarrierUpdateReceived, context: HandlerContext): Promise<undefined> {
    if (context.method === 'audit-a' && poisoned.has(`${update.trackingId}@${update.occurredAt}`)) {
      return Promise.reject(new TributaryError('unavailable', 'upstream_unavailable', 'audit-a cannot take this package'));
    }
    return Promise.resolve(undefined);
  }
}

/** Every kind of binding, two fanout queues, and a route of the main group, all on one topic. */
const queues = defineIntegration({
  name: 'queue-probe',
  description: 'Records which queue ran which message',
  routes: [
    // Updates routed with key eu or eu.<one word> (e.g. eu.de), else by subject: group queue-test.q.billing-eu.
    route({ method: 'billing', topic: TOPIC, handler: QueueProbe, queue: { name: 'billing-eu', exchange: 'direct', routingKeys: ['eu', 'eu.*'] } }),
    // Every update, in each fanout queue once; audit-a with its own retry policy.
    route({ method: 'audit-a', topic: TOPIC, handler: QueueProbe, retry: { maxAttempts: 2 }, queue: { name: 'audit-a', exchange: 'fanout' } }),
    route({ method: 'audit-b', topic: TOPIC, handler: QueueProbe, queue: { name: 'audit-b', exchange: 'fanout' } }),
    // Updates whose headers have region eu and tier gold (all), or either of them (any).
    route({ method: 'gold-eu', topic: TOPIC, handler: QueueProbe, queue: { name: 'gold-eu', exchange: 'header', match: 'all', headers: { region: 'eu', tier: 'gold' } } }),
    route({ method: 'gold-or-eu', topic: TOPIC, handler: QueueProbe, queue: { name: 'gold-or-eu', exchange: 'header', match: 'any', headers: { region: 'eu', tier: 'gold' } } }),
    // No queue: the worker's main group, as every route without one.
    route({ method: 'main', topic: TOPIC, handler: QueueProbe }),
  ],
});

/** A deployment that first runs only a main-group route on the topic, then has a queue bound beside it (group late-test). */
const lateMain = route({ method: 'late-main', topic: TOPIC, handler: QueueProbe });
const lateQueue = route({ method: 'late-queue', topic: TOPIC, handler: QueueProbe, queue: { name: 'late', exchange: 'fanout' } });
const late = (...routes: Array<typeof lateMain>) => defineIntegration({ name: 'late-probe', description: 'A queue bound to a running deployment', routes });

@Module({})
class QueueWorkerModule {
  static forRoot(url: string, transport: TransportOptions, secrets: Record<string, string>, integrations = [queues], group = GROUP): DynamicModule {
    const config = loadWorkerConfig({ ...secrets, DATABASE_URL: url });
    return {
      module: QueueWorkerModule,
      imports: [
        { module: QueueWorkerConfig, global: true, providers: [{ provide: WorkerConfig, useValue: config }], exports: [WorkerConfig] },
        DatabaseModule.forRoot({
          name: 'queue-test',
          url,
          entities: [...MESSAGING_ENTITIES, ...WORKER_ENTITIES],
          migrations: [...messagingMigrations, ...tenancyMigrations, ...workerMigrations],
        }),
        MessagingModule.forRoot({ source: 'queue-test', signing: CONTRACT_KEYS, transport, partitions: 4 }),
        TenancyModule.forRoot({ encryptionKey: config.TRIBUTARY_ENCRYPTION_KEY }),
        CqrsModule.forRoot(),
        IntegrationsModule.forRoot({ integrations, group, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } }),
        DeploymentsModule,
        DeadLettersModule,
        IngestModule,
      ],
    };
  }
}

@Module({})
class QueueWorkerConfig {}

/**
 * Named queues through the real transport: the worker's runtime with one consumer group per queue
 * (`queue-test.q.<name>`) beside its main group, on each transport. Each queue runs only what its
 * exchange routes to it, once per message however often it is delivered, and retries and
 * dead-letters in its own group.
 */
describe.each<[string, () => TransportHarness]>([
  ['postgres', postgresHarness],
  ['kafka', kafkaHarness],
])('integration worker on %s: exchanges and named queues', (_, harnessOf) => {
  const harness = harnessOf();
  let app: INestApplication;
  let dataSource: DataSource;
  let url: string;
  let adminKey: string;
  const tenantId = randomUUID();

  const update = (trackingId: string, hour: number) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: new Date(Date.UTC(2026, 11, 7, hour)).toISOString() });
  /** Publishes package updates (in order: one key, one partition) with their queue headers. */
  const publish = (...messages: Array<[trackingId: string, queue?: QueueOptions]>): Promise<Envelope[]> =>
    app.get(MessagePublisher).publishAll(
      dataSource,
      messages.map(([trackingId, queue], hour) => ({ topic: TOPIC, data: update(trackingId, hour), origin: { tenantId, queue } })),
    );
  /** The runs of each method for a message: `{ method: [states] }`. */
  const runsOf = async (message: Envelope): Promise<Record<string, string[]>> => {
    const rows = await dataSource.query<{ method: string; state: string }[]>(`SELECT method, state FROM worker.runs WHERE message_id = $1 ORDER BY started_at, id`, [message.id]);
    const runs: Record<string, string[]> = {};
    for (const { method, state } of rows) (runs[method] ??= []).push(state);
    return runs;
  };
  const inboxOf = async (message: Envelope): Promise<string[]> =>
    (await dataSource.query<{ consumer: string }[]>(`SELECT consumer FROM messaging.inbox WHERE message_id = $1 ORDER BY consumer`, [message.id])).map((r) => r.consumer);
  const call = async (method: string, path: string) => {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${adminKey}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const deadLetters = async (group: string) =>
    ((await call('GET', `/v1/dead-letters?group=${encodeURIComponent(group)}`)).body.items as Array<{ id: string; messageId: string; attempts: number; errorCode: string; group: string }>) ?? [];
  const ok = (...methods: string[]) => (runs: Record<string, string[]>) => methods.every((m) => runs[m]?.includes('ok'));

  beforeAll(async () => {
    await harness.setUp();
    app = await NestFactory.create(QueueWorkerModule.forRoot(harness.databaseUrl, harness.transport, testSecrets()), {
      bodyParser: false,
      logger: process.env.CONTRACT_LOGS ? ['error', 'warn'] : false,
    });
    configureHttpEdge(app);
    app.useGlobalPipes(validationPipe());
    app.useGlobalFilters(new CodedErrorFilter());
    const consumers = connectIntegrationConsumers(app, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, pollIntervalMs: 50, ...harness.tuning });
    expect(consumers.map((c) => c.group)).toEqual([GROUP, ...['billing-eu', 'audit-a', 'audit-b', 'gold-eu', 'gold-or-eu'].map((q) => `${GROUP}.q.${q}`)]);
    await app.listen(0, '127.0.0.1');
    await app.startAllMicroservices();
    dataSource = app.get(DataSource);
    url = await app.getUrl();
    ({ key: adminKey } = await app.get(ApiKeys).issue(dataSource, 'platform_admin', null, 'test admin'));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await harness.tearDown();
  });

  it('routes a direct queue by routing key: matching keys run, others pass by without a run or claim', async () => {
    // One package (one key, in order): the last message, which every queue takes, marks the others as passed.
    const [eu, euDe, us, euDeBerlin, last] = await publish(['DIRECT-1', { routingKey: 'eu' }], ['DIRECT-1', { routingKey: 'eu.de' }], ['DIRECT-1', { routingKey: 'us' }], ['DIRECT-1', { routingKey: 'eu.de.berlin' }], ['DIRECT-1', { routingKey: 'eu' }]);
    await eventually(() => runsOf(last), ok('billing', 'audit-a', 'audit-b', 'main'));
    expect(await runsOf(eu)).toMatchObject({ billing: ['ok'], main: ['ok'] });
    expect(await runsOf(euDe)).toMatchObject({ billing: ['ok'] });
    expect(await runsOf(us)).not.toHaveProperty('billing');
    expect(await runsOf(euDeBerlin)).not.toHaveProperty('billing');
    expect(await inboxOf(us)).not.toContain('queue-probe.billing');
    expect(await inboxOf(us)).toEqual(expect.arrayContaining(['queue-probe.audit-a', 'queue-probe.audit-b', 'queue-probe.main']));
  });

  it('routes a direct queue by the subject when a message has no routing key', async () => {
    const [plain, keyed] = await publish(['eu'], ['eu', { routingKey: 'us' }]);
    await eventually(() => runsOf(keyed), ok('audit-a', 'main'));
    await eventually(() => runsOf(plain), ok('billing'));
    expect(await runsOf(keyed)).not.toHaveProperty('billing');
  });

  it('fans out to two queues, each running every message once (and the main group too)', async () => {
    const sent = await publish(['FANOUT-1'], ['FANOUT-2', { routingKey: 'x' }], ['FANOUT-3', { headers: { region: 'us' } }]);
    for (const message of sent) {
      const runs = await eventually(() => runsOf(message), ok('audit-a', 'audit-b', 'main'));
      expect(runs).toMatchObject({ 'audit-a': ['ok'], 'audit-b': ['ok'], main: ['ok'] });
    }
  });

  it('routes header queues: all needs every value, any one of them', async () => {
    const [both, region, tier, neither, barrier] = await publish(
      ['HEADER-1', { headers: { region: 'eu', tier: 'gold', team: 'ops' } }],
      ['HEADER-1', { headers: { region: 'eu', tier: 'silver' } }],
      ['HEADER-1', { headers: { tier: 'gold' } }],
      ['HEADER-1', { headers: { region: 'us' } }],
      ['HEADER-1', { headers: { region: 'eu', tier: 'gold' } }],
    );
    await eventually(() => runsOf(barrier), ok('gold-eu', 'gold-or-eu', 'audit-a'));
    const queuesRun = async (message: Envelope) => Object.keys(await runsOf(message)).filter((m) => m.startsWith('gold')).sort();
    expect(await queuesRun(both)).toEqual(['gold-eu', 'gold-or-eu']);
    expect(await queuesRun(region)).toEqual(['gold-or-eu']);
    expect(await queuesRun(tier)).toEqual(['gold-or-eu']);
    expect(await queuesRun(neither)).toEqual([]);
    expect(await inboxOf(neither)).not.toEqual(expect.arrayContaining(['queue-probe.gold-eu']));
  });

  it("dead-letters a queue's poison in that queue's group, with its route's retries, while the other queue and the main group carry on", async () => {
    poisoned.add(`POISON-1@${update('POISON-1', 0).occurredAt}`);
    const [poison, after] = await publish(['POISON-1', { routingKey: 'eu' }], ['POISON-1', { routingKey: 'eu' }]);
    // The poison's key waits in audit-a behind it until it is dead-lettered; elsewhere nothing waits.
    await eventually(() => runsOf(poison), ok('audit-b', 'main', 'billing'));
    const letters = await eventually(() => deadLetters(`${GROUP}.q.audit-a`), (rows) => rows.some((l) => l.messageId === poison.id));
    expect(letters.filter((l) => l.messageId === poison.id)).toEqual([expect.objectContaining({ group: `${GROUP}.q.audit-a`, attempts: 2, errorCode: 'upstream_unavailable' })]);
    expect((await runsOf(poison))['audit-a']).toEqual(['fail', 'fail']);
    for (const group of [GROUP, `${GROUP}.q.audit-b`, `${GROUP}.q.billing-eu`]) expect((await deadLetters(group)).map((l) => l.messageId)).not.toContain(poison.id);
    poisoned.clear();
    // Its key's next message goes on in audit-a once the poison is out of the way.
    await eventually(() => runsOf(after), ok('audit-a', 'audit-b', 'main', 'billing'));
    // Redriven, it goes back to its queue's group, and runs there alone.
    const [letter] = letters.filter((l) => l.messageId === poison.id);
    expect((await call('POST', `/v1/dead-letters/${letter.id}/redrive`)).status).toBe(202);
    await eventually(() => runsOf(poison), (runs) => runs['audit-a']?.includes('ok'));
    expect(await runsOf(poison)).toMatchObject({ 'audit-a': ['fail', 'fail', 'ok'], 'audit-b': ['ok'], main: ['ok'], billing: ['ok'] });
  });

  it('takes effect once per queue for a message delivered twice', async () => {
    const [twice] = await dataSource.transaction(async (m) => {
      const envelopes = await app.get(MessagePublisher).publishAll(m, [{ topic: TOPIC, data: update('TWICE-1', 1), origin: { tenantId, queue: { routingKey: 'eu' } } }]);
      await app.get(PostgresMessageLog).append(m, envelopes);
      return envelopes;
    });
    const [barrier] = await publish(['TWICE-1', { routingKey: 'eu' }]);
    await eventually(() => runsOf(barrier), ok('billing', 'audit-a', 'audit-b', 'main'));
    expect(await runsOf(twice)).toEqual({ billing: ['ok'], 'audit-a': ['ok'], 'audit-b': ['ok'], main: ['ok'] });
    expect(await inboxOf(twice)).toEqual(['queue-probe.audit-a', 'queue-probe.audit-b', 'queue-probe.billing', 'queue-probe.main']);
  });

  it('a queue bound to a running deployment takes the messages from then on, not the history its main group handled', async () => {
    const startLate = async (...routes: Array<typeof lateMain>): Promise<INestApplication> => {
      const lateApp = await NestFactory.create(QueueWorkerModule.forRoot(harness.databaseUrl, harness.transport, testSecrets(), [late(...routes)], 'late-test'), {
        bodyParser: false,
        logger: process.env.CONTRACT_LOGS ? ['error', 'warn'] : false,
      });
      connectIntegrationConsumers(lateApp, { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, pollIntervalMs: 50, ...harness.tuning });
      await lateApp.init();
      await lateApp.startAllMicroservices();
      return lateApp;
    };
    const before = await startLate(lateMain);
    const [old] = await publish(['LATE-1']);
    await eventually(() => runsOf(old), ok('late-main'), { timeoutMs: 60_000 });
    await before.close();
    // Redeployed with a queue bound beside the main route: its group is new.
    const after = await startLate(lateMain, lateQueue);
    try {
      const [fresh] = await publish(['LATE-1']);
      await eventually(() => runsOf(fresh), ok('late-main', 'late-queue'), { timeoutMs: 60_000 });
      expect(await runsOf(old)).not.toHaveProperty('late-queue');
      expect(await inboxOf(old)).not.toContain('late-probe.late-queue');
    } finally {
      await after.close();
    }
  }, 150_000);

  it("lists each method's queue, its group and binding (GET /v1/integrations)", async () => {
    const { status, body } = await call('GET', '/v1/integrations');
    expect(status).toBe(200);
    const methods = (body as unknown as Array<{ name: string; methods: Array<{ method: string; queue?: unknown }> }>).find((i) => i.name === 'queue-probe')!.methods;
    expect(Object.fromEntries(methods.map((m) => [m.method, m.queue]))).toEqual({
      billing: { name: 'billing-eu', group: `${GROUP}.q.billing-eu`, exchange: 'direct', routingKeys: ['eu', 'eu.*'] },
      'audit-a': { name: 'audit-a', group: `${GROUP}.q.audit-a`, exchange: 'fanout' },
      'audit-b': { name: 'audit-b', group: `${GROUP}.q.audit-b`, exchange: 'fanout' },
      'gold-eu': { name: 'gold-eu', group: `${GROUP}.q.gold-eu`, exchange: 'header', match: 'all', headers: { region: 'eu', tier: 'gold' } },
      'gold-or-eu': { name: 'gold-or-eu', group: `${GROUP}.q.gold-or-eu`, exchange: 'header', match: 'any', headers: { region: 'eu', tier: 'gold' } },
      main: undefined,
    });
  });
});
