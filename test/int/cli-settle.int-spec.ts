import { Injectable, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/database';
import { configureHttpEdge, validationPipe } from '@tributary/edge';
import { MessagePublisher } from '@tributary/messaging';
import { AppLogger } from '@tributary/observability';
import { Tenants } from '@tributary/tenancy';
import { createTestDatabase, eventually, testSecrets, type TestDatabase } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { connectIntegrationConsumers } from '../../apps/integration-worker/src/runtime/integration-consumers.js';
import type { HandlerContext, HandlerResult, IntegrationHandler } from '../../apps/integration-worker/src/sdk/integration-handler.js';
import { defineIntegration, route } from '../../apps/integration-worker/src/sdk/integration.js';
import { loadWorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { WorkerModule } from '../../apps/integration-worker/src/worker.module.js';

/** The tokens the holder handed out, by tracking id. */
const tokens = new Map<string, string>();

/** Leaves every carrier update unsettled (its external system never calls back: an operator settles it). */
@Injectable()
class Holder implements IntegrationHandler<CarrierUpdateReceived> {
  async handle(update: CarrierUpdateReceived, context: HandlerContext): Promise<HandlerResult<never>> {
    tokens.set(update.trackingId, await context.settleLater({ deadlineMs: 60_000 }));
    return undefined;
  }
}

const holder = defineIntegration({
  name: 'holder',
  description: 'Settles carrier updates later; an ack publishes the package update',
  routes: [route({ method: 'hold', topic: Topics.carrierUpdateReceived, handler: Holder, onSuccess: [Topics.packageUpdated], retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 100 } })],
});

/**
 * `tributary settle ack|nack|reject` against a running worker whose handler leaves messages unsettled:
 * the operator's way to settle a message whose external system never called back.
 */
describe('tributary CLI: settle a message left unsettled', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;
  let env: Record<string, string>;
  let emptyDir: string;
  let tenantId: string;

  const cli = (...argv: string[]) => run(argv, env, emptyDir);
  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const publish = (trackingId: string) =>
    dataSource.transaction((m) =>
      app.get(MessagePublisher).publish(m, Topics.carrierUpdateReceived, { trackingId, carrier: 'DHL', status: 'Delivered', occurredAt: '2026-12-07T08:00:00Z' }, { tenantId }),
    );
  const tokenOf = async (trackingId: string) => (await eventually(async () => tokens.get(trackingId), (token) => token !== undefined, { timeoutMs: 15_000 }))!;
  const published = async (trackingId: string) =>
    Number(
      (await dataSource.query(`SELECT count(*) AS n FROM messaging.messages WHERE topic = $1 AND envelope->>'subject' = $2`, [Topics.packageUpdated.name, trackingId]))[0].n,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadWorkerConfig({ ...testSecrets(), DATABASE_URL: db.url, LOG_LEVEL: 'silent', CONSUMER_POLL_MS: '50' });
    app = await NestFactory.create(WorkerModule.forRoot(config, [holder]), { bodyParser: false, bufferLogs: true });
    app.useLogger(app.get(AppLogger));
    configureHttpEdge(app, { jsonMaxDepth: config.JSON_MAX_DEPTH });
    app.useGlobalPipes(validationPipe());
    connectIntegrationConsumers(app, { pollIntervalMs: 50, retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 100 } });
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    await app.startAllMicroservices();
    dataSource = app.get(DataSource);
    const tenant = await dataSource.transaction((m) => app.get(Tenants).create(m, 'operator-settles'));
    tenantId = tenant.id;
    env = { TRIBUTARY_WORKER_URL: `http://127.0.0.1:${port}`, TRIBUTARY_API_KEY: tenant.apiKey };
    emptyDir = mkdtempSync(join(tmpdir(), 'tributary-cli-settle-'));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  });

  it('settle ack publishes the output once; acking again answers the same (repeated), publishing nothing', async () => {
    await publish('CLI-ACK');
    const token = await tokenOf('CLI-ACK');
    const output = JSON.stringify({ trackingId: 'CLI-ACK', carrier: 'DHL', occurredAt: '2026-12-07T08:00:00Z', status: 'delivered', carrierStatus: 'Delivered' });
    const first = await cli('settle', 'ack', '--token', token, '--output', output);
    expect(first).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(first)).toMatchObject({ state: 'acked', outputs: 1, repeated: false, method: 'hold' });
    const again = await cli('settle', 'ack', '--token', token, '--output', output);
    expect(json(again)).toMatchObject({ state: 'acked', outputs: 1, repeated: true });
    expect(await published('CLI-ACK')).toBe(1);
    const conflicting = await cli('settle', 'reject', '--token', token);
    expect(conflicting.exitCode).toBe(1);
    expect(json(conflicting).error.code).toBe('settlement_settled');
  });

  it('settle reject dead-letters the message as rejected', async () => {
    const message = await publish('CLI-REJECT');
    const token = await tokenOf('CLI-REJECT');
    expect(json(await cli('settle', 'reject', '--token', token, '--reason', 'no such parcel'))).toMatchObject({ state: 'rejected', reason: 'no such parcel' });
    const letters = await eventually(
      () => dataSource.query<{ error_code: string }[]>(`SELECT error_code FROM messaging.dead_letters WHERE message_id = $1`, [message.id]),
      (rows) => rows.length === 1,
    );
    expect(letters).toEqual([{ error_code: 'rejected' }]);
  });

  it('an unknown token fails (exit 1, settlement_not_found); a malformed token or output is a usage error (exit 2), nothing sent', async () => {
    const unknown = await cli('settle', 'nack', '--token', `stl_${'x'.repeat(43)}`);
    expect([unknown.exitCode, json(unknown).error.code]).toEqual([1, 'settlement_not_found']);
    const malformed = await cli('settle', 'ack', '--token', 'nope');
    expect([malformed.exitCode, json(malformed).error.code]).toEqual([2, 'option_invalid']);
    await publish('CLI-BAD');
    const token = await tokenOf('CLI-BAD');
    const badOutput = await cli('settle', 'ack', '--token', token, '--output', '[1]');
    expect([badOutput.exitCode, json(badOutput).error.code]).toEqual([2, 'option_invalid']);
    const missing = await cli('settle', 'ack');
    expect(missing.exitCode).toBe(2);
    // Still pending: settled now.
    expect(json(await cli('settle', 'nack', '--token', token))).toMatchObject({ state: 'nacked' });
  });
});
