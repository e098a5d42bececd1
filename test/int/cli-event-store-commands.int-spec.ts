import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@tributary/testing';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../support/event-store-fixture.js';

const updated = (trackingId: string) => ({ trackingId, carrier: 'dhl', status: 'in_transit', carrierStatus: 'In Transit', occurredAt: '2026-11-23T10:00:00.000Z' });

/** `tributary streams`, `events` and `tracking list` through the real CLI (its `run`) against a running event store. */
describe('tributary streams, events and tracking list against a running event store', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };
  let dir: string;

  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const cli = (argv: string[], apiKey = acme.apiKey) => run(argv, { TRIBUTARY_EVENT_STORE_URL: store.url, TRIBUTARY_API_KEY: apiKey }, dir);
  const ok = async (argv: string[], apiKey?: string) => {
    const result = await cli(argv, apiKey);
    expect({ argv, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ argv, exitCode: 0, stderr: '' });
    return json(result);
  };

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start({ PROJECTION_POLL_MS: '50', CONSUMER_POLL_MS: '50' });
    acme = await fixture.tenant(store.dataSource, 'acme');
    globex = await fixture.tenant(store.dataSource, 'globex');
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-event-store-'));
  });

  afterAll(async () => {
    await fixture?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('appends to a stream with an expected version, and reads it back by stream, by $all and by event id', async () => {
    const first = await ok(['streams', 'append', '--stream', 'package-CLI-1', '--type', 'tracking.package.updated', '--data', JSON.stringify(updated('CLI-1')), '--expected-version', 'no-stream']);
    expect(first).toMatchObject({ streamId: 'package-CLI-1', streamVersion: 1, appended: true });
    const eventId = first.events[0].eventId;
    await ok(['streams', 'append', '--stream', 'package-CLI-1', '--type', 'tracking.package.updated', '--data', JSON.stringify({ ...updated('CLI-1'), status: 'delivered' }), '--expected-version', '1', '--metadata', '{"by":"cli"}']);
    const conflict = await cli(['streams', 'append', '--stream', 'package-CLI-1', '--type', 'tracking.package.updated', '--data', JSON.stringify(updated('CLI-1')), '--expected-version', '1']);
    expect([conflict.exitCode, json(conflict).error.code, json(conflict).status]).toEqual([1, 'wrong_expected_version', 409]);
    await ok(['streams', 'append', '--stream', 'package-CLI-2', '--type', 'tracking.package.updated', '--data', JSON.stringify(updated('CLI-2'))]);

    expect(await ok(['streams', 'show', '--stream', 'package-CLI-1'])).toMatchObject({ streamId: 'package-CLI-1', version: 2 });
    const listed = await ok(['streams', 'list', '--prefix', 'package-CLI-']);
    expect(listed.streams.map((s: { streamId: string }) => s.streamId)).toEqual(['package-CLI-1', 'package-CLI-2']);
    const paged = await ok(['streams', 'list', '--prefix', 'package-CLI-', '--limit', '1']);
    expect((await ok(['streams', 'list', '--prefix', 'package-CLI-', '--after', paged.next])).streams.map((s: { streamId: string }) => s.streamId)).toEqual(['package-CLI-2']);

    const read = await ok(['streams', 'read', '--stream', 'package-CLI-1']);
    expect(read.events.map((e: { streamVersion: number; data: { status: string } }) => [e.streamVersion, e.data.status])).toEqual([[1, 'in_transit'], [2, 'delivered']]);
    const backward = await ok(['streams', 'read', '--stream', 'package-CLI-1', '--backward', '--limit', '1']);
    expect(backward.events.map((e: { streamVersion: number }) => e.streamVersion)).toEqual([2]);
    expect(await ok(['events', 'show', '--event', eventId])).toMatchObject({ eventId, streamId: 'package-CLI-1', streamVersion: 1, type: 'tracking.package.updated' });

    const all = await ok(['events', 'list', '--type', 'tracking.package.updated']);
    expect(all.events.map((e: { streamId: string }) => e.streamId)).toEqual(['package-CLI-1', 'package-CLI-1', 'package-CLI-2']);
    const after = await ok(['events', 'list', '--after', all.events[0].cursor]);
    expect(after.events).toHaveLength(2);
    expect((await ok(['events', 'list', '--type', 'tracking.carrier-update.received,tracking.package.updated', '--limit', '1'])).events).toHaveLength(1);
    const unknownType = await cli(['events', 'list', '--type', 'no.such-type']);
    expect([unknownType.exitCode, json(unknownType).error.code]).toEqual([1, 'topic_unknown']);
    const table = await cli(['events', 'list', '-o', 'table']);
    expect(table.stdout.split('\n')[0].split(/\s+/)).toEqual(['CURSOR', 'STREAMID', 'STREAMVERSION', 'TYPE', 'EVENTID', 'OCCURREDAT']);
  });

  it("lists the tenant's packages once projected (tracking list), by status", async () => {
    const packages = await eventually(
      async () => (await ok(['tracking', 'list'])).packages as { trackingId: string; status: string }[],
      (list) => list.length === 2 && list[0].status === 'delivered',
    );
    expect(packages.map((p) => [p.trackingId, p.status])).toEqual([['CLI-1', 'delivered'], ['CLI-2', 'in_transit']]);
    expect((await ok(['tracking', 'list', '--status', 'delivered'])).packages.map((p: { trackingId: string }) => p.trackingId)).toEqual(['CLI-1']);
  });

  it("shows another tenant none of it: its streams, events and packages are its own", async () => {
    expect((await ok(['streams', 'list'], globex.apiKey)).streams).toEqual([]);
    expect((await ok(['events', 'list'], globex.apiKey)).events).toEqual([]);
    expect((await ok(['tracking', 'list'], globex.apiKey)).packages).toEqual([]);
    const stream = await cli(['streams', 'show', '--stream', 'package-CLI-1'], globex.apiKey);
    const nowhere = await cli(['streams', 'show', '--stream', 'package-NOWHERE'], globex.apiKey);
    expect([stream.exitCode, json(stream).error.code]).toEqual([nowhere.exitCode, json(nowhere).error.code]);
    const read = await cli(['streams', 'read', '--stream', 'package-CLI-1'], globex.apiKey);
    expect(read.stdout).not.toContain('CLI-1');
    const acmeEvent = (await ok(['events', 'list'])).events[0].eventId;
    const event = await cli(['events', 'show', '--event', acmeEvent], globex.apiKey);
    expect([event.exitCode, json(event).status]).toEqual([1, 404]);
  });

  it.each([
    ['append without --data', ['streams', 'append', '--stream', 's', '--type', 't'], 'option_missing'],
    ['append with --data that is no object', ['streams', 'append', '--stream', 's', '--type', 't', '--data', '"x"'], 'option_invalid'],
    ['read with a --from that is no number', ['streams', 'read', '--stream', 's', '--from', 'first'], 'option_invalid'],
    ['events list with a --from that is no date', ['events', 'list', '--from', 'yesterday'], 'option_invalid'],
    ['show without --stream', ['streams', 'show'], 'option_missing'],
  ])('refuses %s with exit 2 (a usage error)', async (_case, argv, code) => {
    const result = await cli(argv);
    expect([result.exitCode, result.stdout, json(result).error.code]).toEqual([2, '', code]);
  });

  it("reports the API's refusals as they came (exit 1) and a key-less call as a usage error", async () => {
    const cursor = await cli(['events', 'list', '--after', 'nope']);
    expect([cursor.exitCode, json(cursor).status]).toEqual([1, 400]);
    const keyless = await run(['streams', 'list'], { TRIBUTARY_EVENT_STORE_URL: store.url }, dir);
    expect([keyless.exitCode, json(keyless).error.code]).toEqual([2, 'api_key_missing']);
  });
});
