import { ApiKeys, TenantContext, withTenant } from '@tributary/tenancy';
import { uuidv7 } from '@tributary/messaging';
import { eventually, LogCapture, readJson } from '@tributary/testing';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../../../../test/support/event-store-fixture.js';

const update = (trackingId: string, status = 'in_transit', occurredAt = '2026-11-23T10:00:00Z') => ({
  type: 'tracking.package.updated',
  data: { trackingId, carrier: 'dhl', status, carrierStatus: status.replaceAll('_', ' '), occurredAt },
  occurredAt,
});

describe('the event store query API (REST and GraphQL), scoped to the caller’s tenant', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };
  let adminKey: string;
  /** Every line the event store logs, at debug level: none may hold a key, a signing or encryption key, or the database password. */
  const logs = new LogCapture();
  const DB_PASSWORD = `pw-${Math.random().toString(36).slice(2)}-never-logged`;

  const call = async (key: string | undefined, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${store.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await readJson(response) };
  };
  const append = (key: string, stream: string, body: unknown) => call(key, 'POST', `/v1/streams/${encodeURIComponent(stream)}/events`, body);
  const graphql = async (key: string | undefined, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${store.url}/graphql`, {
      method: 'POST',
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return readJson(response);
  };
  const storedFor = async (tenantId: string) =>
    Number((await store.dataSource.query(`SELECT count(*) AS n FROM event_store.events WHERE tenant_id = $1`, [tenantId]))[0].n);

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    // The server trusts local connections, so a password in the URL is accepted (and must never be logged).
    const databaseUrl = new URL(fixture.db.url);
    databaseUrl.password = DB_PASSWORD;
    store = await fixture.start({ PROJECTION_POLL_MS: '50', DATABASE_URL: databaseUrl.toString() }, undefined, logs);
    acme = await fixture.tenant(store.dataSource, 'acme');
    globex = await fixture.tenant(store.dataSource, 'globex');
    adminKey = await fixture.adminKey(store.dataSource);
    // The same stream id in both tenants: each tenant's is its own.
    expect((await append(acme.apiKey, 'tracking-SHARED', { expectedVersion: 'no-stream', events: [update('SHARED', 'in_transit')] })).status).toBe(201);
    expect((await append(globex.apiKey, 'tracking-SHARED', { expectedVersion: 'no-stream', events: [update('SHARED', 'delivered')] })).status).toBe(201);
    expect((await append(globex.apiKey, 'tracking-GLOBEX-ONLY', { events: [update('GLOBEX-ONLY')] })).status).toBe(201);
  });

  afterAll(() => fixture?.drop());

  describe('appending', () => {
    it('appends with 201, and answers a repeat with 200 and the original positions, storing nothing twice', async () => {
      const body = { expectedVersion: 'no-stream', events: [{ ...update('PKG-A'), eventId: uuidv7() }, { ...update('PKG-A', 'delivered'), eventId: uuidv7() }] };
      const first = await append(acme.apiKey, 'tracking-PKG-A', body);
      expect(first).toEqual({
        status: 201,
        body: {
          streamId: 'tracking-PKG-A',
          streamVersion: 2,
          appended: true,
          events: body.events.map((e, i) => ({ eventId: e.eventId, streamVersion: i + 1, position: expect.any(Number), cursor: expect.stringMatching(/^\d+\.\d+$/) })),
        },
      });
      const before = await storedFor(acme.id);
      const repeat = await append(acme.apiKey, 'tracking-PKG-A', body);
      expect(repeat).toEqual({ status: 200, body: { ...first.body, appended: false } });
      expect(await storedFor(acme.id)).toBe(before);
    });

    it('answers a stale expected version with 409 wrong_expected_version and its details, storing nothing', async () => {
      const before = await storedFor(acme.id);
      const stale = await append(acme.apiKey, 'tracking-PKG-A', { expectedVersion: 1, events: [update('PKG-A')] });
      expect(stale).toEqual({
        status: 409,
        body: {
          error: { code: 'wrong_expected_version', message: expect.any(String), details: { streamId: 'tracking-PKG-A', expectedVersion: 1, actualVersion: 2 } },
          traceId: expect.any(String),
        },
      });
      expect(await storedFor(acme.id)).toBe(before);
    });

    it('lets exactly one of concurrent appends with the same expected version through', async () => {
      await append(acme.apiKey, 'tracking-RACE', { expectedVersion: 'no-stream', events: [update('RACE')] });
      const answers = await Promise.all(Array.from({ length: 6 }, () => append(acme.apiKey, 'tracking-RACE', { expectedVersion: 1, events: [update('RACE')] })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'wrong_expected_version')).toBe(true);
      expect((await call(acme.apiKey, 'GET', '/v1/streams/tracking-RACE')).body.version).toBe(2);
    });

    it.each([
      ['an unknown type', { events: [{ ...update('X'), type: 'no.such.topic' }] }, 400, 'topic_unknown'],
      ['a payload that does not match its topic', { events: [{ ...update('X'), data: { trackingId: 'X' } }] }, 400, 'payload_invalid'],
      ['an event id that is not a UUID', { events: [{ ...update('X'), eventId: 'evt-1' }] }, 400, 'event_id_invalid'],
      ['the same event id twice', { events: [{ ...update('X'), eventId: '0190f3b4-0000-7000-8000-000000000001' }, { ...update('X'), eventId: '0190f3b4-0000-7000-8000-000000000001' }] }, 400, 'event_id_duplicate'],
      ['a time that is not ISO-8601', { events: [{ ...update('X'), occurredAt: 'yesterday' }] }, 400, 'occurred_at_invalid'],
      ['no events', { events: [] }, 400, 'validation_failed'],
      ['an unknown expected version', { expectedVersion: 'latest', events: [update('X')] }, 400, 'validation_failed'],
      ['a negative expected version', { expectedVersion: -1, events: [update('X')] }, 400, 'validation_failed'],
      ['data that is not an object', { events: [{ ...update('X'), data: 'text' }] }, 400, 'validation_failed'],
      ['an unknown field', { events: [update('X')], colour: 'red' }, 400, 'validation_failed'],
    ])('rejects %s, storing nothing', async (_, body, status, code) => {
      const before = await storedFor(acme.id);
      const answer = await append(acme.apiKey, 'tracking-X', body);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
      expect(await storedFor(acme.id)).toBe(before);
    });

    it('refuses a stream id over 200 characters, a read-only key, the admin key and no key', async () => {
      const readOnly = (await new ApiKeys().issue(store.dataSource, 'read_only', acme.id)).key;
      const before = await storedFor(acme.id);
      const cases: Array<[Promise<{ status: number; body: { error: { code: string } } }>, number, string]> = [
        [append(acme.apiKey, 'x'.repeat(201), { events: [update('X')] }), 400, 'stream_id_invalid'],
        [append(readOnly, 'tracking-X', { events: [update('X')] }), 403, 'role_insufficient'],
        [append(adminKey, 'tracking-X', { events: [update('X')] }), 403, 'tenant_required'],
        [call(undefined, 'POST', '/v1/streams/tracking-X/events', { events: [update('X')] }), 401, 'unauthenticated'],
      ];
      for (const [answer, status, code] of cases) expect({ status: (await answer).status, code: (await answer).body.error.code }).toEqual({ status, code });
      expect(await storedFor(acme.id)).toBe(before);
      expect((await call(readOnly, 'GET', '/v1/streams/tracking-PKG-A')).status).toBe(200);
    });
  });

  describe('reading', () => {
    it('pages through a stream by version, forward and backward', async () => {
      await append(acme.apiKey, 'tracking-PAGED', { expectedVersion: 'no-stream', events: Array.from({ length: 5 }, (_, i) => update(`PAGED-${i}`)) });
      const page1 = await call(acme.apiKey, 'GET', '/v1/streams/tracking-PAGED/events?limit=2');
      expect(page1.body).toMatchObject({ streamId: 'tracking-PAGED', version: 5, next: 3 });
      expect(page1.body.events.map((e: { streamVersion: number }) => e.streamVersion)).toEqual([1, 2]);
      const page3 = await call(acme.apiKey, 'GET', '/v1/streams/tracking-PAGED/events?limit=2&from=5');
      expect(page3.body).toMatchObject({ next: null, events: [{ streamVersion: 5, type: 'tracking.package.updated', data: { trackingId: 'PAGED-4' } }] });
      const back = await call(acme.apiKey, 'GET', '/v1/streams/tracking-PAGED/events?direction=backward&limit=3');
      expect(back.body.events.map((e: { streamVersion: number }) => e.streamVersion)).toEqual([5, 4, 3]);
      expect(back.body.next).toBe(2);
      expect(back.body.events[0]).toEqual({
        eventId: expect.any(String),
        streamId: 'tracking-PAGED',
        streamVersion: 5,
        type: 'tracking.package.updated',
        topicVersion: 1,
        position: expect.any(Number),
        cursor: expect.stringMatching(/^\d+\.\d+$/),
        data: update('PAGED-4').data,
        metadata: expect.objectContaining({ source: 'event-store-api', actor: expect.stringMatching(/^api-key:/) }),
        occurredAt: '2026-11-23T10:00:00.000Z',
        recordedAt: expect.any(String),
      });
      expect(await call(acme.apiKey, 'GET', '/v1/streams/tracking-PAGED/events?limit=0')).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
      // Every paginated route takes the same page size.
      for (const path of ['/v1/streams?limit=1001', '/v1/events?limit=0', '/v1/packages?limit=abc']) {
        expect(await call(acme.apiKey, 'GET', path)).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
      }
      expect(await call(acme.apiKey, 'GET', '/v1/streams/nope/events')).toMatchObject({ status: 404, body: { error: { code: 'stream_not_found' } } });
    });

    it('lists streams by prefix, a page at a time', async () => {
      const first = await call(acme.apiKey, 'GET', '/v1/streams?prefix=tracking-P&limit=1');
      expect(first.body).toMatchObject({ streams: [{ streamId: 'tracking-PAGED', version: 5 }], next: 'tracking-PAGED' });
      const second = await call(acme.apiKey, 'GET', `/v1/streams?prefix=tracking-P&limit=5&after=${first.body.next}`);
      expect(second.body).toMatchObject({ streams: [{ streamId: 'tracking-PKG-A', version: 2 }], next: null });
    });

    it('reads $all in commit order by type and time, continuing from a cursor without repeats', async () => {
      const all = await call(acme.apiKey, 'GET', '/v1/events?limit=1000');
      const ids = all.body.events.map((e: { eventId: string }) => e.eventId);
      expect(ids.length).toBe(await storedFor(acme.id));
      const paged: string[] = [];
      let cursor = '0.0';
      for (;;) {
        const page = await call(acme.apiKey, 'GET', `/v1/events?limit=3&after=${cursor}`);
        if (page.body.events.length === 0) break;
        paged.push(...page.body.events.map((e: { eventId: string }) => e.eventId));
        cursor = page.body.cursor;
      }
      expect(paged).toEqual(ids);
      const none = await call(acme.apiKey, 'GET', `/v1/events?type=tracking.carrier-update.received`);
      expect(none.body).toEqual({ events: [], cursor: '0.0' });
      const future = await call(acme.apiKey, 'GET', `/v1/events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      expect(future.body.events).toEqual([]);
      const past = await call(acme.apiKey, 'GET', `/v1/events?to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&type=tracking.package.updated`);
      expect(past.body.events).toHaveLength(ids.length);
      expect(await call(acme.apiKey, 'GET', '/v1/events?after=12')).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
      expect(await call(acme.apiKey, 'GET', '/v1/events?type=no.such.topic')).toMatchObject({ status: 400, body: { error: { code: 'topic_unknown' } } });
      expect((await call(acme.apiKey, 'GET', `/v1/events/${ids[0]}`)).body.eventId).toBe(ids[0]);
      expect(await call(acme.apiKey, 'GET', '/v1/events/nope')).toMatchObject({ status: 400, body: { error: { code: 'event_id_invalid' } } });
    });

    it('serves the package_status projection', async () => {
      await eventually(() => call(acme.apiKey, 'GET', '/v1/packages/PKG-A'), (r) => r.status === 200);
      const pkg = await call(acme.apiKey, 'GET', '/v1/packages/PKG-A');
      expect(pkg.body).toEqual({
        trackingId: 'PKG-A',
        status: 'delivered',
        carrier: 'dhl',
        carrierStatus: 'delivered',
        updatedAt: '2026-11-23T10:00:00.000Z',
        eventId: expect.any(String),
        trackingUrl: 'https://www.dhl.com/de-en/home/tracking/tracking-parcel.html?submit=1&tracking-id=PKG-A',
      });
      const viaGraphql = await graphql(acme.apiKey, `{ package(trackingId: "PKG-A") { trackingUrl } packages { packages { trackingId trackingUrl } } }`);
      expect(viaGraphql.data.package.trackingUrl).toBe(pkg.body.trackingUrl);
      expect(viaGraphql.data.packages.packages).toContainEqual({ trackingId: 'PKG-A', trackingUrl: pkg.body.trackingUrl });
      const delivered = await call(acme.apiKey, 'GET', '/v1/packages?status=delivered');
      expect(delivered.body.packages.map((p: { trackingId: string }) => p.trackingId)).toEqual(['PKG-A']);
      expect(await call(acme.apiKey, 'GET', '/v1/packages?status=lost')).toMatchObject({ status: 400 });
      expect(await call(acme.apiKey, 'GET', '/v1/packages/NOPE')).toMatchObject({ status: 404, body: { error: { code: 'package_not_found' } } });
    });

    it('localizes the tracking URL for the locale a client asks for: ?locale= over REST, trackingUrl(locale:) over GraphQL', async () => {
      await eventually(() => call(acme.apiKey, 'GET', '/v1/packages/PKG-A'), (r) => r.status === 200);
      const url = (locale: string) => `https://www.dhl.com/${locale}/home/tracking/tracking-parcel.html?submit=1&tracking-id=PKG-A`;
      expect((await call(acme.apiKey, 'GET', '/v1/packages/PKG-A?locale=fr-CA')).body.trackingUrl).toBe(url('ca-fr'));
      expect((await call(acme.apiKey, 'GET', '/v1/packages/PKG-A?locale=DE_de')).body.trackingUrl).toBe(url('de-de'));
      const listed = await call(acme.apiKey, 'GET', '/v1/packages?locale=en-US');
      expect(listed.body.packages.find((p: { trackingId: string }) => p.trackingId === 'PKG-A').trackingUrl).toBe(url('us-en'));
      // What the templates cannot say falls back: no region → DE; a three-letter language → en; the region after a script.
      expect((await call(acme.apiKey, 'GET', '/v1/packages/PKG-A?locale=fr')).body.trackingUrl).toBe(url('de-fr'));
      expect((await call(acme.apiKey, 'GET', '/v1/packages/PKG-A?locale=gsw-CH')).body.trackingUrl).toBe(url('ch-en'));
      expect((await call(acme.apiKey, 'GET', '/v1/packages/PKG-A?locale=zh-Hant-TW')).body.trackingUrl).toBe(url('tw-zh'));

      const viaGraphql = await graphql(
        acme.apiKey,
        `query ($locale: String) { package(trackingId: "PKG-A") { fr: trackingUrl(locale: "fr-CA") same: trackingUrl(locale: $locale) default: trackingUrl } packages { packages { trackingId trackingUrl(locale: "en-US") } } }`,
        { locale: 'de-DE' },
      );
      expect(viaGraphql.errors).toBeUndefined();
      expect(viaGraphql.data.package).toEqual({ fr: url('ca-fr'), same: url('de-de'), default: url('de-en') });
      expect(viaGraphql.data.packages.packages).toContainEqual({ trackingId: 'PKG-A', trackingUrl: url('us-en') });
    });

    it('refuses a locale that is not a language tag: 400 locale_invalid over REST (nothing looked up), the field’s error over GraphQL', async () => {
      for (const locale of ['deutsch', 'de-DE;q=0.9', '12', '', 'de--DE', '%00']) {
        for (const path of [`/v1/packages/PKG-A?locale=${locale}`, `/v1/packages?locale=${locale}`, `/v1/packages/NOPE?locale=${locale}`]) {
          const answer = await call(acme.apiKey, 'GET', path);
          expect({ path, status: answer.status, code: answer.body.error?.code, traceId: typeof answer.body.traceId }).toEqual({
            path,
            status: 400,
            code: locale === '%00' ? 'invalid_characters' : 'locale_invalid',
            traceId: 'string',
          });
        }
      }
      expect(await call(acme.apiKey, 'GET', '/v1/packages/PKG-A?locale=de&locale=fr')).toMatchObject({ status: 400, body: { error: { code: 'locale_invalid' } } });
      const refused = await graphql(acme.apiKey, `{ package(trackingId: "PKG-A") { trackingId trackingUrl(locale: "deutsch") } }`);
      expect(refused.errors).toEqual([expect.objectContaining({ path: ['package', 'trackingUrl'], extensions: { code: 'locale_invalid', status: 400 } })]);
      expect(refused.data.package).toEqual({ trackingId: 'PKG-A', trackingUrl: null });
      // Another tenant's package is not found in any locale.
      expect(await call(globex.apiKey, 'GET', '/v1/packages/PKG-A?locale=de-DE')).toMatchObject({ status: 404, body: { error: { code: 'package_not_found' } } });
      expect((await graphql(globex.apiKey, `{ package(trackingId: "PKG-A") { trackingUrl(locale: "de-DE") } }`)).data.package).toBeNull();
    });
  });

  it('writes each update that wins in turn, even several of one package in one batch (the change-sink pushes every row change)', async () => {
    await store.dataSource.query(`
      CREATE TABLE public.package_writes (n serial, op text, status text);
      CREATE FUNCTION public.note_package_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO public.package_writes (op, status) VALUES (TG_OP, NEW.status); RETURN NULL; END $$;
      CREATE TRIGGER note_package_write AFTER INSERT OR UPDATE ON event_store.package_status
        FOR EACH ROW WHEN (NEW.tracking_id = 'ROUNDS') EXECUTE FUNCTION public.note_package_write()`);
    const events = [
      update('ROUNDS', 'pre_transit', '2026-11-23T08:00:00Z'),
      update('ROUNDS', 'in_transit', '2026-11-23T09:00:00Z'),
      update('ROUNDS', 'delivered', '2026-11-23T07:00:00Z'), // older than what came before: loses
      update('ROUNDS', 'out_for_delivery', '2026-11-23T10:00:00Z'),
    ];
    expect((await append(acme.apiKey, 'tracking-ROUNDS', { events })).status).toBe(201);
    await eventually(() => call(acme.apiKey, 'GET', '/v1/packages/ROUNDS'), (r) => r.body.status === 'out_for_delivery');
    const writes = await store.dataSource.query(`SELECT op, status FROM public.package_writes ORDER BY n`);
    expect(writes).toEqual([
      { op: 'INSERT', status: 'pre_transit' },
      { op: 'UPDATE', status: 'in_transit' },
      { op: 'UPDATE', status: 'out_for_delivery' },
    ]);
  });

  describe('tenant isolation', () => {
    it('never shows tenant B’s streams, events or packages to tenant A over REST', async () => {
      await eventually(() => call(globex.apiKey, 'GET', '/v1/packages/GLOBEX-ONLY'), (r) => r.status === 200);
      const globexEvent = (await call(globex.apiKey, 'GET', '/v1/events')).body.events[0].eventId;
      const acmeStreams = (await call(acme.apiKey, 'GET', '/v1/streams?limit=1000')).body.streams.map((s: { streamId: string }) => s.streamId);
      expect(acmeStreams).not.toContain('tracking-GLOBEX-ONLY');
      expect((await call(acme.apiKey, 'GET', '/v1/streams/tracking-GLOBEX-ONLY')).status).toBe(404);
      expect((await call(acme.apiKey, 'GET', '/v1/streams/tracking-GLOBEX-ONLY/events')).status).toBe(404);
      expect((await call(acme.apiKey, 'GET', `/v1/events/${globexEvent}`)).status).toBe(404);
      const acmeAll = (await call(acme.apiKey, 'GET', '/v1/events?limit=1000')).body.events;
      expect(acmeAll.some((e: { eventId: string }) => e.eventId === globexEvent)).toBe(false);
      expect((await call(acme.apiKey, 'GET', '/v1/packages/GLOBEX-ONLY')).status).toBe(404);
      const shared = await call(acme.apiKey, 'GET', '/v1/streams/tracking-SHARED/events');
      expect(shared.body.events.map((e: { data: { status: string } }) => e.data.status)).toEqual(['in_transit']);
      await eventually(() => call(acme.apiKey, 'GET', '/v1/packages/SHARED'), (r) => r.status === 200);
      expect((await call(acme.apiKey, 'GET', '/v1/packages/SHARED')).body.status).toBe('in_transit');
      expect((await call(globex.apiKey, 'GET', '/v1/packages/SHARED')).body.status).toBe('delivered');
      // Appending to "the same" stream id only ever touches one's own stream.
      expect((await append(globex.apiKey, 'tracking-SHARED', { expectedVersion: 1, events: [update('SHARED')] })).status).toBe(201);
      expect((await call(acme.apiKey, 'GET', '/v1/streams/tracking-SHARED')).body.version).toBe(1);
    });

    it('never shows tenant B’s data to tenant A over GraphQL', async () => {
      const query = `query ($stream: String!, $event: ID!) {
        streams(first: 1000) { streams { streamId } }
        stream(id: $stream) { streamId version }
        event(id: $event) { eventId }
        events(first: 1000) { events { eventId data } }
        package(trackingId: "GLOBEX-ONLY") { trackingId }
        packages { packages { trackingId } }
      }`;
      const globexEvent = (await call(globex.apiKey, 'GET', '/v1/events')).body.events[0].eventId;
      const seenByAcme = await graphql(acme.apiKey, query, { stream: 'tracking-GLOBEX-ONLY', event: globexEvent });
      expect(seenByAcme.errors).toBeUndefined();
      expect(seenByAcme.data.stream).toBeNull();
      expect(seenByAcme.data.event).toBeNull();
      expect(seenByAcme.data.package).toBeNull();
      expect(seenByAcme.data.streams.streams.map((s: { streamId: string }) => s.streamId)).not.toContain('tracking-GLOBEX-ONLY');
      expect(seenByAcme.data.events.events.map((e: { eventId: string }) => e.eventId)).not.toContain(globexEvent);
      expect(seenByAcme.data.packages.packages.map((p: { trackingId: string }) => p.trackingId)).not.toContain('GLOBEX-ONLY');
      const seenByGlobex = await graphql(globex.apiKey, query, { stream: 'tracking-GLOBEX-ONLY', event: globexEvent });
      expect(seenByGlobex.data.stream).toEqual({ streamId: 'tracking-GLOBEX-ONLY', version: 1 });
      expect(seenByGlobex.data.event).toEqual({ eventId: globexEvent });
    });

    it('keeps Postgres row-level security on the log as a second wall', async () => {
      const rows = await withTenant(store.dataSource, TenantContext.trusted(acme.id, 'test'), (manager) =>
        manager.query(`SELECT DISTINCT tenant_id FROM event_store.events UNION SELECT DISTINCT tenant_id FROM event_store.streams UNION SELECT DISTINCT tenant_id FROM event_store.package_status`),
      );
      expect(rows).toEqual([{ tenant_id: acme.id }]);
    });
  });

  describe('GraphQL', () => {
    it('appends with an expected version and reads a stream page', async () => {
      const mutation = `mutation ($events: [AppendEventInput!]!, $expected: String!) {
        appendToStream(streamId: "tracking-GQL", expectedVersion: $expected, events: $events) { streamId streamVersion appended events { eventId streamVersion } }
      }`;
      const events = [{ ...update('GQL'), eventId: uuidv7() }];
      const first = await graphql(acme.apiKey, mutation, { events, expected: 'no-stream' });
      expect(first.data.appendToStream).toEqual({ streamId: 'tracking-GQL', streamVersion: 1, appended: true, events: [{ eventId: events[0].eventId, streamVersion: 1 }] });
      const repeat = await graphql(acme.apiKey, mutation, { events, expected: 'no-stream' });
      expect(repeat.data.appendToStream.appended).toBe(false);
      const conflict = await graphql(acme.apiKey, mutation, { events: [update('GQL')], expected: '0' });
      expect(conflict.errors[0].extensions.code).toBe('wrong_expected_version');
      const badVersion = await graphql(acme.apiKey, mutation, { events: [update('GQL')], expected: 'latest' });
      expect(badVersion.errors[0].extensions.code).toBe('expected_version_invalid');
      const badPayload = await graphql(acme.apiKey, mutation, { events: [{ type: 'tracking.package.updated', data: { trackingId: 1 } }], expected: 'any' });
      expect(badPayload.errors[0].extensions.code).toBe('payload_invalid');
      expect((await call(acme.apiKey, 'GET', '/v1/streams/tracking-GQL')).body.version).toBe(1);

      const read = await graphql(acme.apiKey, `{ stream(id: "tracking-PAGED") { version events(from: 2, first: 2) { next events { streamVersion data } } } }`);
      expect(read.data.stream).toEqual({
        version: 5,
        events: { next: 4, events: [{ streamVersion: 2, data: update('PAGED-1').data }, { streamVersion: 3, data: update('PAGED-2').data }] },
      });
    });

    it('refuses callers without a valid tenant key', async () => {
      expect((await graphql(undefined, '{ streams { next } }')).errors[0].extensions.code).toBe('unauthenticated');
      expect((await graphql('trb_nope', '{ streams { next } }')).errors[0].extensions.code).toBe('unauthenticated');
      expect((await graphql(adminKey, '{ streams { next } }')).errors[0].extensions.code).toBe('tenant_required');
      expect((await graphql(acme.apiKey, '{ events(first: 5000) { cursor } }')).errors[0].extensions.code).toBe('limit_invalid');
      expect((await graphql(acme.apiKey, '{ events(after: "x") { cursor } }')).errors[0].extensions.code).toBe('cursor_invalid');
    });
  });

  it('documents every route in OpenAPI at /docs', async () => {
    expect((await fetch(`${store.url}/docs`)).status).toBe(200);
    const document = await readJson(await fetch(`${store.url}/docs-json`));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/streams',
        '/v1/streams/{streamId}',
        '/v1/streams/{streamId}/events',
        '/v1/events',
        '/v1/events/{eventId}',
        '/v1/packages',
        '/v1/packages/{trackingId}',
        '/v1/projections',
        '/v1/projections/{name}',
        '/v1/projections/{name}/rebuild',
      ]),
    );
  });

  it('logs every request with its trace id, at debug level, and never a key, the signing or encryption key, or the database password', async () => {
    // Refused and failing requests are logged too, on REST and GraphQL.
    expect((await append(acme.apiKey, 'tracking-LOGGED', { expectedVersion: 7, events: [update('LOGGED')] })).status).toBe(409);
    expect((await call(`${acme.apiKey}x`, 'GET', '/v1/streams')).status).toBe(401);
    expect((await graphql(`${globex.apiKey}x`, '{ streams { next } }')).errors[0].extensions.code).toBe('unauthenticated');
    const requests = logs.records().filter((r) => r.msg === 'request completed') as Array<{ traceId?: string; req: { url: string }; res: { statusCode: number } }>;
    expect(requests.map((r) => [r.req.url, r.res.statusCode])).toEqual(expect.arrayContaining([['/v1/streams/tracking-LOGGED/events', 409], ['/v1/streams', 401]]));
    expect(requests.every((r) => typeof r.traceId === 'string' && r.traceId.length === 32)).toBe(true);
    expect(logs.leaked([acme.apiKey, globex.apiKey, adminKey, `${acme.apiKey}x`, `${globex.apiKey}x`, fixture.secrets.TRIBUTARY_SIGNING_KEY, fixture.secrets.TRIBUTARY_ENCRYPTION_KEY, DB_PASSWORD])).toEqual([]);
  });
});
