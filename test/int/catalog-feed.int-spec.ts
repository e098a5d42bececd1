import type { INestApplication } from '@nestjs/common';
import { freePort } from '@tributary/database';
import { eventually, readJson, startFakeStockApi, type FakeStockApi } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { createEventStoreApp } from '../../apps/event-store/src/event-store.app.js';
import { loadEventStoreConfig } from '../../apps/event-store/src/event-store.config.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

type Tenant = { id: string; apiKey: string };

/**
 * The product data feed end to end: the catalog integration's scheduled action pulls stock and prices
 * from an ERP (a local fake), the worker publishes them as catalog.stock-price.synced, and the event
 * store's products projection serves them in the tenant's feed. Worker and event store share one database
 * (and so the transport), as in the standalone process.
 */
describe('the catalog integration: a scheduled stock and price pull lands in the product feed', () => {
  let worker: RunningWorker;
  let store: INestApplication;
  let storeUrl: string;
  let erp: FakeStockApi;
  let acme: Tenant;
  let globex: Tenant;

  const feed = async (tenant: Tenant, format: 'csv' | 'json') =>
    (await fetch(`${storeUrl}/v1/feeds/products.${format}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } })).text();
  const as = (tenant: Tenant) => (method: string, path: string, body?: unknown) => worker.call(tenant.apiKey, method, path, body);
  /** A catalog deployment on the fake ERP and its pull-stock-price action. */
  const pullAction = async (tenant: Tenant, apiKey = erp.secret) => {
    const deployment = await as(tenant)('POST', '/v1/deployments', {
      integration: 'catalog',
      name: 'erp',
      config: { baseUrl: erp.url, currency: 'EUR', pageSize: 2 },
      credentials: { apiKey },
      allowPrivateNetwork: true, // the fake listens on loopback
    });
    expect(deployment.status).toBe(201);
    const action = await as(tenant)('POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'pull-stock-price' });
    expect(action.status).toBe(201);
    expect(action.body).toMatchObject({ topic: 'catalog.stock-pull.requested' });
    return action.body.id as string;
  };

  beforeAll(async () => {
    erp = await startFakeStockApi();
    worker = await startWorker();
    const port = await freePort();
    store = await createEventStoreApp(
      loadEventStoreConfig({ ...worker.secrets, DATABASE_URL: worker.db.url, LOG_LEVEL: 'silent', PORT: String(port), PROJECTION_POLL_MS: '50', CONSUMER_POLL_MS: '50' }),
    );
    await store.listen(port, '127.0.0.1');
    await store.startAllMicroservices();
    storeUrl = `http://127.0.0.1:${port}`;
    acme = await worker.tenant('acme');
    globex = await worker.tenant('globex');
  });

  afterAll(async () => {
    await store?.close();
    await worker?.stop();
    await erp?.stop();
  });

  it('fires on schedule, pages through the ERP, and updates stock and price in the feed (the tenant’s only)', async () => {
    await worker.publish(Topics.productUpserted, { sku: 'MUG-1', name: 'Mug', updatedAt: '2026-01-01T10:00:00.000Z', price: '12.90', currency: 'EUR', stock: 4 }, acme.id);
    await eventually(() => feed(acme, 'csv'), (csv) => csv.includes('MUG-1,Mug,,,,,,12.90,EUR,4,in_stock'), { timeoutMs: 30_000 });

    erp.set('MUG-1', { price: '11.50', available: 9, updatedAt: '2026-02-01T08:00:00.000Z' });
    erp.set('PEN-2', { price: 3, currency: 'USD', available: 0, updatedAt: '2026-02-01T08:00:00.000Z' });
    erp.set('TAPE-3', { available: 12, updatedAt: '2026-02-01T08:00:00.000Z' });
    erp.set('BAD 4', { price: 'cheap', available: -1 }); // neither a SKU nor a price: left out
    const actionId = await pullAction(acme);
    const schedule = await as(acme)('POST', `/v1/actions/${actionId}/schedules`, { cron: '* * * * * *', input: {} });
    expect(schedule.status).toBe(201);

    const csv = await eventually(() => feed(acme, 'csv'), (text) => text.includes('TAPE-3') && text.includes('MUG-1,Mug,,,,,,11.50,EUR,9'), { timeoutMs: 30_000 });
    expect((await as(acme)('PATCH', `/v1/schedules/${schedule.body.id}`, { enabled: false })).status).toBe(200);
    expect(csv.split('\r\n').slice(1)).toEqual([
      'MUG-1,Mug,,,,,,11.50,EUR,9,in_stock,2026-02-01T08:00:00.000Z',
      'PEN-2,,,,,,,3.00,USD,0,out_of_stock,2026-02-01T08:00:00.000Z',
      'TAPE-3,,,,,,,,,12,in_stock,2026-02-01T08:00:00.000Z',
      '',
    ]);
    // Pages of two, with the deployment's key.
    expect(erp.calls[0]).toMatchObject({ path: '/v1/stock?limit=2', status: 200 });
    expect(erp.calls[0].headers['x-api-key']).toBe(erp.secret);
    expect(erp.calls[1]).toMatchObject({ path: expect.stringMatching(/^\/v1\/stock\?limit=2&cursor=/), status: 200 });
    const runs = await as(acme)('GET', `/v1/runs?actionId=${actionId}`);
    expect(runs.status).toBe(200);
    expect(JSON.stringify(runs.body)).toContain('"trigger":"schedule"');

    expect(JSON.parse(await feed(globex, 'json'))).toEqual([]);
  });

  it('refuses a run with bad input, and a refused key fails the run without a retry', async () => {
    const actionId = await pullAction(globex, 'wrong-key');
    const bad = await as(globex)('POST', `/v1/actions/${actionId}/runs`, { input: { skus: ['not a sku'] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'payload_invalid' } });

    const started = await as(globex)('POST', `/v1/actions/${actionId}/runs`, { input: { skus: ['MUG-1'] } });
    expect(started.status).toBe(202);
    const run = await eventually(async () => (await as(globex)('GET', `/v1/runs/${started.body.runId}`)).body, (r) => r.state !== 'init', { timeoutMs: 30_000 });
    expect(run).toMatchObject({ state: 'fail' });
    expect(JSON.stringify(run)).toContain('upstream_rejected');
    expect(erp.calls.filter((c) => c.status === 401)).toHaveLength(1);
    expect(JSON.parse(await feed(globex, 'json'))).toEqual([]);
    expect(await readJson(await fetch(`${storeUrl}/v1/feeds/products.json?inStock=maybe`, { headers: { authorization: `Bearer ${globex.apiKey}` } }))).toMatchObject({
      error: { code: 'validation_failed' },
    });
  });
});
