import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, testSecrets } from '@tributary/testing';
import { createGatewayApp, ensureAdminKey } from '../apps/gateway/src/gateway.app.js';
import { loadGatewayConfig } from '../apps/gateway/src/gateway.config.js';
import { runHttpLoad, type HttpLoadOptions, type HttpLoadResult } from './http-load.js';
import { againstBaseline, type BenchSettings, type MeasureResult } from './measure.js';

const TOPIC = 'tracking.carrier-update.received';
const BODY_TEMPLATE = JSON.stringify({ trackingId: 'PKG-{n}', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });

/**
 * Webhook ingest (verify + authorize + rate limit + validate + durable enqueue, through an app with a
 * paid integration) against a bare node:http server answering
 * 202 to the same signed requests. Logging is off in the gateway: its cost depends on where the
 * lines go, and the bench's stdout is for results.
 */
export async function webhookIngest(settings: BenchSettings): Promise<MeasureResult> {
  const load = (url: string, webhookSecret: string): HttpLoadOptions => ({ ...settings, url, webhookSecret, bodyTemplate: BODY_TEMPLATE });
  const baseline = await withBareServer((url) => runHttpLoad(load(url, SAMPLE_SECRET)));
  const db = await createTestDatabase();
  try {
    const gateway = await startGateway(db.url);
    try {
      const webhook = await createWebhook(gateway.base, gateway.adminKey);
      const measured = await runHttpLoad(load(`${gateway.base}/webhooks/${webhook.id}`, webhook.secret));
      if (measured.succeeded === 0) throw new Error(`no delivery was accepted: ${JSON.stringify(measured.statuses)}`);
      return againstBaseline('webhook ingest', 'req/s', measured.rate, baseline.rate, 0.5, {
        database: db.kind,
        concurrency: settings.concurrency,
        gateway: summary(measured),
        baseline: summary(baseline),
      });
    } finally {
      await gateway.app.close();
    }
  } finally {
    await db.drop();
  }
}

// Any well-formed secret: the bare server does not verify, but the client does the same signing work.
const SAMPLE_SECRET = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;

async function withBareServer<T>(use: (url: string) => Promise<T>): Promise<T> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end('{"eventId":"00000000-0000-7000-8000-000000000000"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/bench`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function startGateway(databaseUrl: string): Promise<{ app: INestApplication; base: string; adminKey: string }> {
  // The full path, rate limiting included (limits high enough not to refuse the load).
  const app = await createGatewayApp(
    loadGatewayConfig({
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'silent',
      WEBHOOK_RATE_LIMIT_PER_SECOND: '1000000',
      TENANT_RATE_LIMIT_PER_SECOND: '1000000',
      ...testSecrets(),
    }),
  );
  try {
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return { app, base, adminKey: (await ensureAdminKey(app)).key };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** A tenant, an app, a paid integration of it and a webhook of the app: every gate of the full path. */
async function createWebhook(base: string, adminKey: string): Promise<{ id: string; secret: string }> {
  const tenant = await call<{ id: string; apiKey: string }>('POST', `${base}/v1/tenants`, adminKey, { name: 'bench' });
  const app = await call<{ id: string }>('POST', `${base}/v1/apps`, tenant.apiKey, { name: 'carrier', vendor: 'dhl' });
  const integration = await call<{ id: string }>('POST', `${base}/v1/integrations`, tenant.apiKey, { name: 'tracking', appIds: [app.id] });
  await call('PUT', `${base}/v1/tenants/${tenant.id}/integrations/${integration.id}/subscription`, adminKey, { plan: 'bench', paidUntil: '2099-01-01T00:00:00Z' });
  return call('POST', `${base}/v1/webhooks`, tenant.apiKey, { appId: app.id, topic: TOPIC });
}

async function call<T>(method: string, url: string, key: string, body: object): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} ${new URL(url).pathname} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

const summary = (r: HttpLoadResult) => ({
  succeeded: r.succeeded,
  failed: r.failed,
  seconds: Number(r.seconds.toFixed(2)),
  statuses: r.statuses,
  latencyMs: r.latencyMs,
});
