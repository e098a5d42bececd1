import { uuidv7 } from '@tributary/messaging';
import { eventually, readJson, retainedHeap } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import {
  eventStoreFixture,
  projectedAll,
  publishAs,
  seedProducts,
  type EventStoreFixture,
  type RunningEventStore,
  type TopicMessage,
} from '../../../../../test/support/event-store-fixture.js';

type Message = TopicMessage;

const upserted = (sku: string, updatedAt: string, extra: object = {}): Message => ({
  topic: Topics.productUpserted,
  data: { sku, name: `Product ${sku}`, updatedAt, ...extra },
  id: uuidv7(),
});

const synced = (sku: string, syncedAt: string, offer: object): Message => ({ topic: Topics.stockPriceSynced, data: { sku, syncedAt, ...offer }, id: uuidv7() });

describe('the products plugin (schemabase product data feed)', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };

  const get = (key: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${store.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
  const publish = (tenantId: string, messages: readonly Message[]) => publishAs(store, tenantId, messages);
  const projected = () => projectedAll(store, 'products', 'catalog.');
  const rows = (tenantId: string) =>
    store.dataSource.query(`SELECT sku, name, price::text AS price, currency, stock FROM event_store.products WHERE tenant_id = $1 ORDER BY sku`, [tenantId]);

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start({ PROJECTION_POLL_MS: '50', CONSUMER_POLL_MS: '50' });
    acme = await fixture.tenant(store.dataSource, 'acme');
    globex = await fixture.tenant(store.dataSource, 'globex');
    const tricky = upserted('A-1', '2026-01-01T10:00:00.000Z', {
      name: 'Mug, "large"',
      description: 'Holds 500 ml,\nships in a box\r\nof two',
      price: '12.90',
      currency: 'EUR',
      stock: 4,
    });
    await publish(acme.id, [tricky, upserted('B-2', '2026-01-01T10:00:00.000Z', { price: '5.00', currency: 'EUR', stock: 0 })]);
    // The same event again (a redelivery) and an older upsert of A-1 arriving late: neither changes a row.
    await publish(acme.id, [tricky, upserted('A-1', '2025-12-31T10:00:00.000Z', { name: 'Old name', price: '99.00', currency: 'EUR', stock: 1 })]);
    await publish(globex.id, [upserted('G-1', '2026-01-01T10:00:00.000Z', { name: 'Globex secret', price: '1.00', currency: 'USD', stock: 7 })]);
    await projected();
  });

  afterAll(() => fixture?.drop());

  it('projects upserts once per SKU: a repeated event and an older one change nothing', async () => {
    expect(await rows(acme.id)).toEqual([
      { sku: 'A-1', name: 'Mug, "large"', price: '12.90', currency: 'EUR', stock: 4 },
      { sku: 'B-2', name: 'Product B-2', price: '5.00', currency: 'EUR', stock: 0 },
    ]);
  });

  it("answers the tenant's rows as CSV, quoted per RFC 4180, and never another tenant's", async () => {
    const response = await get(acme.apiKey, '/v1/feeds/products.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await response.text()).toBe(
      'sku,name,description,brand,gtin,url,imageUrl,price,currency,stock,availability,updatedAt\r\n' +
        'A-1,"Mug, ""large""","Holds 500 ml,\nships in a box\r\nof two",,,,,12.90,EUR,4,in_stock,2026-01-01T10:00:00.000Z\r\n' +
        'B-2,Product B-2,,,,,,5.00,EUR,0,out_of_stock,2026-01-01T10:00:00.000Z\r\n',
    );
    const other = await (await get(globex.apiKey, '/v1/feeds/products.csv')).text();
    expect(other).toContain('G-1,Globex secret');
    expect(other).not.toContain('A-1');
  });

  it("answers the tenant's rows as JSON, filtered on request, and never another tenant's", async () => {
    const response = await get(acme.apiKey, '/v1/feeds/products.json');
    expect(response.status).toBe(200);
    const feed = (await readJson(response)) as { sku: string; name: string; availability: string }[];
    expect(feed.map((p) => [p.sku, p.name, p.availability])).toEqual([
      ['A-1', 'Mug, "large"', 'in_stock'],
      ['B-2', 'Product B-2', 'out_of_stock'],
    ]);
    expect(await readJson(await get(acme.apiKey, '/v1/feeds/products.json?inStock=true'))).toEqual([expect.objectContaining({ sku: 'A-1' })]);
    expect(await readJson(await get(acme.apiKey, '/v1/feeds/products.json?currency=USD'))).toEqual([]);
    expect(((await readJson(await get(globex.apiKey, '/v1/feeds/products.json'))) as { sku: string }[]).map((p) => p.sku)).toEqual(['G-1']);
  });

  it('refuses bad query input and a missing key with a coded 4xx', async () => {
    for (const query of ['inStock=yes', 'currency=euro', 'limit=5']) {
      const response = await get(acme.apiKey, `/v1/feeds/products.csv?${query}`);
      expect(response.status).toBe(400);
      expect(await readJson(response)).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect((await fetch(`${store.url}/v1/feeds/products.json`)).status).toBe(401);
  });

  it('answers 304 to a matching If-None-Match, and a new ETag once a product changes', async () => {
    const first = await get(acme.apiKey, '/v1/feeds/products.csv');
    await first.text();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await get(acme.apiKey, '/v1/feeds/products.csv', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // Another tenant's change leaves acme's ETag as it is.
    await publish(globex.id, [synced('G-1', '2026-01-02T10:00:00.000Z', { stock: 3 })]);
    await projected();
    expect((await get(acme.apiKey, '/v1/feeds/products.csv', { 'if-none-match': etag })).status).toBe(304);
    // The JSON feed is another representation: another ETag.
    expect((await get(acme.apiKey, '/v1/feeds/products.json', { 'if-none-match': etag })).status).toBe(200);

    await publish(acme.id, [synced('B-2', '2026-01-02T10:00:00.000Z', { stock: 12, source: 'erp' })]);
    await projected();
    const changed = await get(acme.apiKey, '/v1/feeds/products.csv', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain('B-2,Product B-2,,,,,,5.00,EUR,12,in_stock,2026-01-02T10:00:00.000Z\r\n');
  });

  it('rebuilds from the log to exactly the live rows (the handlers are deterministic)', async () => {
    const live = await store.dataSource.query(`SELECT * FROM event_store.products ORDER BY tenant_id, sku`);
    const adminKey = await fixture.adminKey(store.dataSource);
    const admin = async (method: string, path: string) => {
      const response = await fetch(`${store.url}${path}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      return { status: response.status, body: await readJson(response) };
    };
    expect((await admin('POST', '/v1/projections/products/rebuild')).status).toBe(202);
    const done = await eventually(async () => (await admin('GET', '/v1/projections/products')).body, (s) => s.rebuild?.status === 'done' && s.state === 'live', { timeoutMs: 60_000 });
    expect(done.rebuild.processed).toBeGreaterThanOrEqual(4); // at least the four distinct catalog events published first, replayed
    expect(await store.dataSource.query(`SELECT * FROM event_store.products ORDER BY tenant_id, sku`)).toEqual(live);
  });

  it('streams 100,000 rows in chunks with bounded heap growth', async () => {
    const big = await fixture.tenant(store.dataSource, 'big');
    await seedProducts(store, big.id, 100_000);
    const before = retainedHeap();
    let peak = before;
    let chunks = 0;
    let lines = 0;
    let bytes = 0;
    const response = await get(big.apiKey, '/v1/feeds/products.csv');
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      bytes += value.length;
      for (const byte of value) if (byte === 0x0a) lines += 1;
      if (chunks % 100 === 0) peak = Math.max(peak, retainedHeap());
    }
    // Each description holds no line break: one line per row, plus the header.
    expect(lines).toBe(100_001);
    expect(bytes).toBeGreaterThan(30_000_000);
    expect(chunks).toBeGreaterThan(100);
    // Sampled mid-stream after full collections. The body is over 30 MB (its rows as entities several times
    // that): an answer built whole, or a response that did not wait for the socket to drain, would exceed this.
    expect(peak - before).toBeLessThan(16 * 1024 * 1024);
  });
});
