import pg from 'pg';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, eventually, subscribe, type Subscription, type TestDatabase } from '@tributary/testing';
import { startSink, type RunningSink } from '../../change-sink-harness.js';

const PACKAGE_UPDATED =
  'subscription ($trackingId: String, $locale: String) { packageUpdated(trackingId: $trackingId, locale: $locale) { trackingId status carrier trackingUrl } }';

interface Pushed {
  trackingId: string;
  status: string;
  carrier: string;
  trackingUrl: string | null;
}

describe('packageUpdated carries the parcel’s carrier tracking page', () => {
  let database: TestDatabase;
  let db: pg.Client;
  let sink: RunningSink;
  const subscriptions: Subscription<unknown>[] = [];
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    // The event store's projection table, as its migration creates it (the columns the subscription reads).
    await db.query(`CREATE SCHEMA event_store`);
    await db.query(`
      CREATE TABLE event_store.package_status (
        tenant_id uuid NOT NULL, tracking_id text NOT NULL, status text NOT NULL, carrier text NOT NULL, carrier_status text NOT NULL,
        updated_at timestamptz NOT NULL, last_event_id uuid NOT NULL, last_position bigint NOT NULL, PRIMARY KEY (tenant_id, tracking_id))`);
    sink = await startSink({ DATABASE_URL: database.url });
    const tenants = new Tenants(new ApiKeys());
    const queryable = { query: (sql: string, params: unknown[]) => db.query(sql, params).then((r) => r.rows) } as never;
    acme = await tenants.create(queryable, 'acme');
    globex = await tenants.create(queryable, 'globex');
  });

  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.close()));
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  const watch = async (apiKey: string, variables: Record<string, unknown> = {}) => {
    const subscription = subscribe<Pushed>(`${sink.url.replace(/^http/, 'ws')}/graphql`, apiKey, PACKAGE_UPDATED, variables);
    subscriptions.push(subscription as Subscription<unknown>);
    await subscription.connected;
    return subscription;
  };
  const upsert = (tenantId: string, trackingId: string, carrier: string, position: number) =>
    db.query(
      `INSERT INTO event_store.package_status VALUES ($1, $2, 'in_transit', $3, 'On its way', now(), gen_random_uuid(), $4)
       ON CONFLICT (tenant_id, tracking_id) DO UPDATE SET last_position = EXCLUDED.last_position`,
      [tenantId, trackingId, carrier, position],
    );

  it("pushes trackingUrl (null for a carrier without a page) to the package's tenant only", async () => {
    const acmeUpdates = await watch(acme.apiKey);
    const globexUpdates = await watch(globex.apiKey);
    let position = 0;
    // Until the change reader has started after the subscriptions, a change may come before them: write until one arrives.
    await eventually(
      async () => {
        await upsert(acme.id, '1Z999AA10123456784', 'ups', ++position);
        return acmeUpdates.received.length;
      },
      (n) => n > 0,
      { intervalMs: 200 },
    );
    await upsert(acme.id, 'P-1', 'pigeon', ++position);
    const pushed = await eventually(async () => acmeUpdates.received, (r) => r.some((u) => u.trackingId === 'P-1'));
    expect(pushed[0]).toEqual({
      trackingId: '1Z999AA10123456784',
      status: 'in_transit',
      carrier: 'ups',
      trackingUrl: 'https://www.ups.com/track?loc=en_DE&tracknum=1Z999AA10123456784&requester=ST/trackdetails',
    });
    expect(pushed.find((u) => u.trackingId === 'P-1')).toEqual({ trackingId: 'P-1', status: 'in_transit', carrier: 'pigeon', trackingUrl: null });
    expect(globexUpdates.received).toEqual([]);
  });

  it('localizes trackingUrl for each subscription’s locale (the same parser and fallbacks as the event store’s package views)', async () => {
    const french = await watch(acme.apiKey, { locale: 'fr-CA' });
    const german = await watch(acme.apiKey, { locale: 'de_de' });
    const swiss = await watch(acme.apiKey, { locale: 'gsw-CH' }); // a three-letter language falls back to en
    const plain = await watch(acme.apiKey);
    let position = 100;
    await eventually(
      async () => {
        await upsert(acme.id, 'JJD-LOCALE-1', 'dhl', ++position);
        return [french, german, swiss, plain].every((s) => s.received.some((u) => u.trackingId === 'JJD-LOCALE-1'));
      },
      (all) => all,
      { intervalMs: 200 },
    );
    const url = (s: typeof french) => s.received.find((u) => u.trackingId === 'JJD-LOCALE-1')!.trackingUrl;
    const page = 'home/tracking/tracking-parcel.html?submit=1&tracking-id=JJD-LOCALE-1';
    expect([url(french), url(german), url(swiss), url(plain)]).toEqual([
      `https://www.dhl.com/ca-fr/${page}`,
      `https://www.dhl.com/de-de/${page}`,
      `https://www.dhl.com/ch-en/${page}`,
      `https://www.dhl.com/de-en/${page}`,
    ]);
  });

  it('refuses a locale that is not a language tag with locale_invalid, pushing nothing; a good one is served', async () => {
    for (const locale of ['deutsch', 'de-DE;q=0.9', '']) {
      const refused = subscribe<Pushed>(`${sink.url.replace(/^http/, 'ws')}/graphql`, acme.apiKey, PACKAGE_UPDATED, { locale });
      subscriptions.push(refused as Subscription<unknown>);
      expect({ locale, failed: await refused.failed }).toEqual({
        locale,
        failed: [expect.objectContaining({ message: expect.stringContaining('language tag'), extensions: { code: 'locale_invalid', status: 400 } })],
      });
      expect(refused.received).toEqual([]);
    }
    const fine = await watch(acme.apiKey, { locale: 'en-US', trackingId: 'JJD-AFTER-REFUSAL' });
    let position = 200;
    const pushed = await eventually(
      async () => {
        await upsert(acme.id, 'JJD-AFTER-REFUSAL', 'dhl', ++position);
        return fine.received;
      },
      (r) => r.length > 0,
      { intervalMs: 200 },
    );
    expect(pushed[0]!.trackingUrl).toBe('https://www.dhl.com/us-en/home/tracking/tracking-parcel.html?submit=1&tracking-id=JJD-AFTER-REFUSAL');
  });
});
