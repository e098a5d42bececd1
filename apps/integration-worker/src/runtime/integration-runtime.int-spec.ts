import { randomUUID } from 'node:crypto';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DatabaseModule } from '@tributary/database';
import {
  BatchRunsFailed,
  createEnvelope,
  messagingMigrations,
  MessagingModule,
  NonRetryable,
  retryPolicyOf,
  type Envelope,
} from '@tributary/messaging';
import { tenancyMigrations } from '@tributary/tenancy';
import { createTestDatabase, testSecrets, type TestDatabase } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { workerMigrations } from '../database/worker.migrations.js';
import { defineIntegration, route, type IntegrationDefinition } from '../sdk/integration.js';
import type { HandlerContext, HandlerResult, IntegrationHandler } from '../sdk/integration-handler.js';
import { IntegrationRuntime } from './integration-runtime.js';
import { IntegrationsModule } from './integrations.module.js';

/** What the probe handler does with a package's message. */
type Behaviour = 'ok' | 'refuse' | 'refuse-in-commit' | 'abort-transaction' | 'effect-refused-once';

const behaviours = new Map<string, Behaviour>();
const handled: string[] = [];
/** The probe's external effect (`once`): each time it was done, and each time `reconcile` was asked. */
const effects: string[] = [];
const reconciled: string[] = [];

@Injectable()
class Probe implements IntegrationHandler<CarrierUpdateReceived> {
  async handle(update: CarrierUpdateReceived, context: HandlerContext): Promise<HandlerResult<never>> {
    handled.push(update.trackingId);
    switch (behaviours.get(update.trackingId) ?? 'ok') {
      case 'refuse':
        throw new NonRetryable('carrier_payload_invalid', 'The probe refuses this package');
      case 'refuse-in-commit':
        return context.commit(async () => {
          throw new NonRetryable('payload_invalid', 'The probe refuses this package in its commit');
        });
      case 'effect-refused-once':
        await context.once(
          'probe-effect',
          async () => {
            effects.push(update.trackingId);
            if (effects.length === 1) throw new NonRetryable('upstream_rejected', 'The external service refused, this time');
            return 'done';
          },
          { reconcile: async (key) => void reconciled.push(key) as undefined },
        );
        return undefined;
      case 'abort-transaction':
        // A statement that fails, its error swallowed: the transaction is aborted, no run's own failure.
        return context.commit(async (db) => {
          await db.query(`SELECT 1 / 0 AS never`).catch(() => undefined);
        });
      default:
        return undefined;
    }
  }
}

const RETRY = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

const probeIntegration = defineIntegration({
  name: 'batch-probe',
  description: 'Fails on the packages a test names',
  routes: [route({ method: 'probe', topic: Topics.carrierUpdateReceived, handler: Probe, retry: { maxAttempts: 2 } })],
});

@Module({})
class RuntimeTestModule {
  /** The worker's runtime with `integration` only, on the database at `url`. */
  static forRoot(url: string, integration: IntegrationDefinition = probeIntegration, name = 'runtime-test'): DynamicModule {
    const secrets = testSecrets();
    return {
      module: RuntimeTestModule,
      imports: [
        DatabaseModule.forRoot({ name, url, entities: [], migrations: [...messagingMigrations, ...tenancyMigrations, ...workerMigrations] }),
        MessagingModule.forRoot({
          source: name,
          signing: { active: { id: secrets.TRIBUTARY_SIGNING_KEY_ID, secret: secrets.TRIBUTARY_SIGNING_KEY } },
          transport: { kind: 'postgres' },
        }),
        IntegrationsModule.forRoot({ integrations: [integration], retry: RETRY }),
      ],
    };
  }
}

/**
 * `IntegrationRuntime.dispatchBatch` on a real database: when a batch fails, its error names the
 * messages whose runs failed themselves (their handler, or their commit's work), each with its
 * route's retry policy — the transport records those as failed first attempts — and no other.
 */
describe('IntegrationRuntime.dispatchBatch: a failed batch names the messages whose runs failed', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let runtime: IntegrationRuntime;
  let dataSource: DataSource;
  const tenantId = randomUUID();

  const batch = (...trackingIds: string[]): Envelope[] =>
    trackingIds.map((trackingId) =>
      createEnvelope(Topics.carrierUpdateReceived, { trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-12-06T10:00:00Z' }, { source: 'test', tenantId }),
    );
  const failureOf = async (envelopes: Envelope[]): Promise<unknown> => runtime.dispatchBatch(envelopes).then(() => undefined, (error: unknown) => error);
  const runsOf = (envelopes: Envelope[]) =>
    dataSource.query<{ message_id: string; attempt: number; state: string; error_code: string }[]>(
      `SELECT message_id, attempt, state, error_code FROM worker.runs WHERE message_id = ANY($1::uuid[]) ORDER BY message_id`,
      [envelopes.map((e) => e.id)],
    );
  const claims = async (envelopes: Envelope[]) =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM messaging.inbox WHERE message_id = ANY($1::uuid[])`, [envelopes.map((e) => e.id)]))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await NestFactory.createApplicationContext(RuntimeTestModule.forRoot(db.url), { logger: false });
    runtime = app.get(IntegrationRuntime);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(() => {
    behaviours.clear();
    handled.length = 0;
    effects.length = 0;
    reconciled.length = 0;
  });

  it('names the message whose handler failed, with its route retry policy, and records that run as its failed attempt 1', async () => {
    behaviours.set('RT-REFUSED', 'refuse');
    const envelopes = batch('RT-FINE-1', 'RT-REFUSED', 'RT-FINE-2');
    const failure = await failureOf(envelopes);
    expect(failure).toBeInstanceOf(BatchRunsFailed);
    const { failures } = failure as BatchRunsFailed;
    expect(failures.map((f) => [f.messageId, (f.error as NonRetryable).code])).toEqual([[envelopes[1].id, 'carrier_payload_invalid']]);
    expect(retryPolicyOf(failures[0].error, { maxAttempts: 99, baseDelayMs: 0, maxDelayMs: 0 })).toEqual({ ...RETRY, maxAttempts: 2 });
    // Nothing of the batch committed; the failed run is recorded, as one by one it would be.
    expect(await claims(envelopes)).toBe(0);
    expect(await runsOf(envelopes)).toEqual([{ message_id: envelopes[1].id, attempt: 1, state: 'fail', error_code: 'carrier_payload_invalid' }]);
  });

  it("names the message whose commit's work failed in the batch's transaction, not the batch-mates committed before it", async () => {
    behaviours.set('RT-REFUSED-IN-COMMIT', 'refuse-in-commit');
    const envelopes = batch('RT-FINE-3', 'RT-REFUSED-IN-COMMIT', 'RT-FINE-4');
    const failure = await failureOf(envelopes);
    expect(failure).toBeInstanceOf(BatchRunsFailed);
    expect((failure as BatchRunsFailed).failures.map((f) => [f.messageId, (f.error as NonRetryable).code])).toEqual([[envelopes[1].id, 'payload_invalid']]);
    expect(handled.sort()).toEqual(['RT-FINE-3', 'RT-FINE-4', 'RT-REFUSED-IN-COMMIT']);
    expect(await claims(envelopes)).toBe(0);
  });

  it('names no message when the transaction itself failed: the transport then delivers them all one by one', async () => {
    behaviours.set('RT-ABORTS', 'abort-transaction');
    const envelopes = batch('RT-FINE-5', 'RT-ABORTS');
    const failure = await failureOf(envelopes);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(BatchRunsFailed);
    expect((failure as Error).message).toMatch(/current transaction is aborted/);
    expect(await claims(envelopes)).toBe(0);
    expect(await runsOf(envelopes)).toEqual([]);
  });

  it("leaves no intent of an effect that threw in a failed batch: the message's retry does the effect again at once", async () => {
    behaviours.set('RT-EFFECT', 'effect-refused-once');
    const envelopes = batch('RT-FINE-6', 'RT-EFFECT');
    const failure = await failureOf(envelopes);
    expect((failure as BatchRunsFailed).failures.map((f) => [f.messageId, (f.error as NonRetryable).code])).toEqual([[envelopes[1].id, 'upstream_rejected']]);
    // Its retry, one by one (as the transport delivers it, attempt 2): not "in progress", not reconciled.
    await runtime.dispatch(envelopes[1], 2);
    expect(effects).toEqual(['RT-EFFECT', 'RT-EFFECT']);
    expect(reconciled).toEqual([]);
    expect(await claims([envelopes[1]])).toBe(1);
  });
});

/** Records the packages it saw; never fails. */
const witnessed: string[] = [];

@Injectable()
class Witness implements IntegrationHandler<CarrierUpdateReceived> {
  async handle(update: CarrierUpdateReceived): Promise<HandlerResult<never>> {
    witnessed.push(update.trackingId);
    return undefined;
  }
}

const twoRoutes = defineIntegration({
  name: 'two-routes',
  description: 'A route that fails on the packages a test names, and one beside it on the same topic',
  routes: [
    route({ method: 'probe', topic: Topics.carrierUpdateReceived, handler: Probe, retry: { maxAttempts: 1 } }),
    route({ method: 'witness', topic: Topics.carrierUpdateReceived, handler: Witness }),
  ],
});

/**
 * Two routes on one topic: one refusing a message for good must not keep the other from running —
 * the customer's notification beside a relay that is dead-lettered (found by the randomized tenant
 * isolation suite: 10 of 20 notifications never sent).
 */
describe('IntegrationRuntime: a route that fails for good does not keep the other routes of its message from running', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let runtime: IntegrationRuntime;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const envelope = (trackingId: string): Envelope =>
    createEnvelope(Topics.carrierUpdateReceived, { trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-12-06T10:00:00Z' }, { source: 'test', tenantId });
  const claimed = async (consumer: string, message: Envelope) =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM messaging.inbox WHERE consumer = $1 AND message_id = $2`, [consumer, message.id]))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await NestFactory.createApplicationContext(RuntimeTestModule.forRoot(db.url, twoRoutes, 'two-routes-test'), { logger: false });
    runtime = app.get(IntegrationRuntime);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  beforeEach(() => {
    behaviours.clear();
    witnessed.length = 0;
  });

  it('one by one: the other route runs and commits, and the failing route decides the retry', async () => {
    behaviours.set('TR-REFUSED', 'refuse');
    const refused = envelope('TR-REFUSED');
    const failure = await runtime.dispatch(refused, 1).then(() => undefined, (error: unknown) => error);
    expect((failure as NonRetryable).code).toBe('carrier_payload_invalid');
    expect(witnessed).toEqual(['TR-REFUSED']);
    expect(await claimed('two-routes.witness', refused)).toBe(1);
    expect(await claimed('two-routes.probe', refused)).toBe(0);
    // A redelivery runs only the route that failed.
    await runtime.dispatch(refused, 2).catch(() => undefined);
    expect(witnessed).toEqual(['TR-REFUSED']);
  });

  it('in a batch: the failed message is named (not run again), and its other route runs and commits before the batch answers', async () => {
    behaviours.set('TR-REFUSED-2', 'refuse');
    const envelopes = [envelope('TR-FINE'), envelope('TR-REFUSED-2')];
    const failure = await runtime.dispatchBatch(envelopes).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(BatchRunsFailed);
    expect((failure as BatchRunsFailed).failures.map((f) => [f.messageId, (f.error as NonRetryable).code])).toEqual([[envelopes[1].id, 'carrier_payload_invalid']]);
    // The transport dead-letters it (maxAttempts 1) without running it again: its witness ran all the same.
    expect(await claimed('two-routes.witness', envelopes[1])).toBe(1);
    expect(await claimed('two-routes.probe', envelopes[1])).toBe(0);
    // Its batch-mate is delivered one by one by the transport, as before.
    expect(await claimed('two-routes.witness', envelopes[0])).toBe(0);
  });
});
