import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { freePort } from '@tributary/database';
import { uuidv7 } from '@tributary/messaging';
import { retainedHeap } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { eventStoreFixture, projectedAll, publishAs, seedProducts, type EventStoreFixture, type RunningEventStore, type TopicMessage } from '../support/event-store-fixture.js';


const HEADER = 'sku,name,description,brand,gtin,url,imageUrl,price,currency,stock,availability,updatedAt\r\n';
const upserted = (sku: string, extra: object = {}): TopicMessage => ({
  topic: Topics.productUpserted,
  data: { sku, name: `Product ${sku}`, updatedAt: '2026-01-01T10:00:00.000Z', ...extra },
  id: uuidv7(),
});

/** `tributary feeds products` against a running event store: the tenant's product feed, streamed. */
describe('tributary feeds products', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };
  let dir: string;

  const envOf = (apiKey?: string) => ({ TRIBUTARY_EVENT_STORE_URL: store.url, ...(apiKey ? { TRIBUTARY_API_KEY: apiKey } : {}) });
  const cli = (apiKey: string | undefined, ...argv: string[]) => run(['feeds', 'products', ...argv], envOf(apiKey), dir);
  const errorOf = (result: CliResult) => ({ exitCode: result.exitCode, ...JSON.parse(result.stderr) });
  const outcomeOf = (result: CliResult) => JSON.parse(result.stderr) as { etag: string; status: number; bytes: number };

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start({ PROJECTION_POLL_MS: '50', CONSUMER_POLL_MS: '50' });
    acme = await fixture.tenant(store.dataSource, 'acme');
    globex = await fixture.tenant(store.dataSource, 'globex');
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-feeds-'));
    await publishAs(store, acme.id, [
      upserted('A-1', { name: 'Mug, "large"', price: '12.90', currency: 'EUR', stock: 4 }),
      upserted('B-2', { price: '5.00', currency: 'EUR', stock: 0 }),
    ]);
    await publishAs(store, globex.id, [upserted('G-1', { name: 'Globex secret', price: '1.00', currency: 'USD', stock: 7 })]);
    await projectedAll(store, 'products', 'catalog.');
  });

  afterAll(async () => {
    await fixture?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('streams the CSV feed to stdout, the ETag on stderr, only the tenant’s products', async () => {
    const result = await cli(acme.apiKey, '--format', 'csv');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      HEADER +
        'A-1,"Mug, ""large""",,,,,,12.90,EUR,4,in_stock,2026-01-01T10:00:00.000Z\r\n' +
        'B-2,Product B-2,,,,,,5.00,EUR,0,out_of_stock,2026-01-01T10:00:00.000Z\r\n',
    );
    expect(outcomeOf(result)).toEqual({ etag: expect.stringMatching(/^"/), status: 200, bytes: Buffer.byteLength(result.stdout) });
    const other = await cli(globex.apiKey, '--format', 'csv');
    expect(other.stdout).toContain('G-1,Globex secret');
    expect(other.stdout).not.toContain('A-1');
    // The same feed twice: the same bytes and the same ETag.
    const again = await cli(acme.apiKey, '--format', 'csv');
    expect([again.stdout, outcomeOf(again).etag]).toEqual([result.stdout, outcomeOf(result).etag]);
  });

  it('answers JSON by default, with the feed’s filters', async () => {
    const all = await cli(acme.apiKey);
    expect(all.exitCode).toBe(0);
    expect(JSON.parse(all.stdout).map((p: { sku: string; availability: string }) => [p.sku, p.availability])).toEqual([
      ['A-1', 'in_stock'],
      ['B-2', 'out_of_stock'],
    ]);
    expect(JSON.parse((await cli(acme.apiKey, '--in-stock', 'true')).stdout).map((p: { sku: string }) => p.sku)).toEqual(['A-1']);
    expect(JSON.parse((await cli(acme.apiKey, '--in-stock', 'false')).stdout).map((p: { sku: string }) => p.sku)).toEqual(['B-2']);
    expect(JSON.parse((await cli(acme.apiKey, '--currency', 'usd')).stdout)).toEqual([]);
    expect(JSON.parse((await cli(globex.apiKey, '--currency', 'USD')).stdout).map((p: { sku: string }) => p.sku)).toEqual(['G-1']);
  });

  it('writes --out whole, leaves it untouched while --if-none-match holds, and replaces it once a product changed', async () => {
    const file = join(dir, 'products.csv');
    const first = await cli(acme.apiKey, '--format', 'csv', '--out', file);
    expect(first.exitCode).toBe(0);
    const { etag } = outcomeOf(first);
    expect(JSON.parse(first.stdout)).toEqual({ format: 'csv', out: file, etag, status: 200, bytes: Buffer.byteLength(readFileSync(file)) });
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${HEADER}A-1,`));

    writeFileSync(file, 'kept');
    const unchanged = await cli(acme.apiKey, '--format', 'csv', '--out', file, '--if-none-match', etag);
    expect({ exitCode: unchanged.exitCode, stdout: JSON.parse(unchanged.stdout) }).toEqual({ exitCode: 0, stdout: { format: 'csv', out: file, etag, status: 304, bytes: 0 } });
    expect(readFileSync(file, 'utf8')).toBe('kept');
    // To stdout: nothing written; the ETag as printed, or bare, works the same.
    const bare = await cli(acme.apiKey, '--format', 'csv', '--if-none-match', etag.replace(/^"|"$/g, ''));
    expect({ stdout: bare.stdout, outcome: outcomeOf(bare) }).toEqual({ stdout: '', outcome: { etag, status: 304, bytes: 0 } });

    await publishAs(store, acme.id, [upserted('C-3', { price: '1.50', currency: 'EUR', stock: 9 })]);
    await projectedAll(store, 'products', 'catalog.');
    const changed = await cli(acme.apiKey, '--format', 'csv', '--out', file, '--if-none-match', etag);
    expect(outcomeOf(changed)).toMatchObject({ status: 200 });
    expect(outcomeOf(changed).etag).not.toBe(etag);
    expect(readFileSync(file, 'utf8')).toContain('C-3,Product C-3');
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('refuses bad options (exit 2, nothing sent) and reports failed calls with their code (exit 1), leaving no file', async () => {
    for (const argv of [
      ['--format', 'xml'],
      ['--in-stock', 'yes'],
      ['--currency', 'euro'],
      ['--if-none-match', 'two words'],
      ['--out', join(dir, 'missing', 'products.csv')],
      ['extra'],
    ]) {
      const result = await cli(acme.apiKey, ...argv);
      expect({ argv, exitCode: result.exitCode, code: JSON.parse(result.stderr).error.code, stdout: result.stdout }).toEqual({ argv, exitCode: 2, code: 'option_invalid', stdout: '' });
    }
    expect(errorOf(await cli(undefined))).toMatchObject({ exitCode: 2, error: { code: 'api_key_missing' } });
    expect(errorOf(await cli('trb_not-a-real-key-at-all-0000000000'))).toMatchObject({ exitCode: 1, error: { code: 'unauthenticated' }, status: 401 });

    const file = join(dir, 'down.csv');
    const down = await run(['feeds', 'products', '--out', file], { TRIBUTARY_EVENT_STORE_URL: `http://127.0.0.1:${await freePort()}`, TRIBUTARY_API_KEY: acme.apiKey }, dir);
    expect(errorOf(down)).toMatchObject({ exitCode: 1, error: { code: 'event_store_unreachable' } });
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(down.stderr).not.toContain(acme.apiKey);
  });

  it('stops quietly when its reader goes away (`| head`), having sent what it wanted', async () => {
    const piped = await fixture.tenant(store.dataSource, 'piped');
    await store.dataSource.query(
      `INSERT INTO event_store.products (tenant_id, sku, name, price, currency, stock, product_at, product_position)
       SELECT $1, 'P-' || lpad(i::text, 5, '0'), 'Product ' || i, '1.00', 'EUR', 1, now(), i FROM generate_series(1, 5000) AS i`,
      [piped.id],
    );
    let taken = 0;
    const head = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (taken > 0) return done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        taken += chunk.length;
        done();
      },
    });
    const result = await run(['feeds', 'products', '--format', 'csv'], envOf(piped.apiKey), dir, { stdout: head });
    expect({ exitCode: result.exitCode, outcome: outcomeOf(result) }).toEqual({ exitCode: 0, outcome: { etag: expect.any(String), status: 200, bytes: expect.any(Number), closed: true } });
    expect(taken).toBeGreaterThan(0);
  });

  it('streams 100,000 rows chunk by chunk to its output with bounded heap growth', async () => {
    const big = await fixture.tenant(store.dataSource, 'big');
    await seedProducts(store, big.id, 100_000);
    const before = retainedHeap();
    let peak = before;
    let writes = 0;
    let lines = 0;
    let bytes = 0;
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        writes += 1;
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 0x0a) lines += 1;
        if (writes % 100 === 0) peak = Math.max(peak, retainedHeap());
        done();
      },
    });
    const result = await run(['feeds', 'products', '--format', 'csv'], envOf(big.apiKey), dir, { stdout });
    expect({ exitCode: result.exitCode, stdout: result.stdout }).toEqual({ exitCode: 0, stdout: '' });
    expect(lines).toBe(100_001);
    expect(outcomeOf(result)).toMatchObject({ status: 200, bytes });
    expect(bytes).toBeGreaterThan(30_000_000);
    expect(writes).toBeGreaterThan(100);
    // The CLI and the event store share this process: a feed read whole on either side would exceed this.
    expect(peak - before).toBeLessThan(24 * 1024 * 1024);
  });
});
