import { uuidv7 } from '@tributary/messaging';
import { eventually, readJson } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../../../../test/support/event-store-fixture.js';
import { EventLog } from '../log/event-log.js';

const update = (trackingId: string) => ({ trackingId, carrier: 'dhl', status: 'in_transit', carrierStatus: 'In Transit', occurredAt: '2026-12-06T10:00:00Z' });

/**
 * The projection daemon runs only the projections with something to do: an append in this process
 * runs those that read its type (no checkpoint transaction for the others), and the timer finds
 * the projections behind the log (appends by another replica, or events they do not read).
 */
describe('projection daemon: only projections with something new run', () => {
  let fixture: EventStoreFixture;
  let quiet: RunningEventStore;
  let polling: RunningEventStore | undefined;
  let tenant: { id: string; apiKey: string };

  const checkpoint = async (name: string) =>
    (
      await quiet.dataSource.query<{ position: string; updated_at: Date }[]>(
        `SELECT position, updated_at FROM event_store.projection_checkpoints WHERE name = $1`,
        [name],
      )
    )[0];
  const lastPosition = async () => (await quiet.dataSource.query<{ p: string }[]>(`SELECT max(position) AS p FROM event_store.events`))[0].p;
  const packageStatus = async (store: RunningEventStore, trackingId: string) =>
    (await fetch(`${store.url}/v1/packages/${trackingId}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } })).status;

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    // The timer is effectively off: only appends in this process run projections.
    quiet = await fixture.start({ PROJECTION_POLL_MS: '3600000' });
    tenant = await fixture.tenant(quiet.dataSource, 'daemon');
  });

  afterAll(async () => {
    await polling?.close();
    await fixture?.drop();
  });

  it('an append runs the projections that read its type, and leaves the others untouched', async () => {
    const builds = await checkpoint('builds');
    const response = await fetch(`${quiet.url}/v1/streams/tracking-PKG-1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ type: Topics.packageUpdated.name, data: update('PKG-1') }] }),
    });
    expect({ status: response.status, body: await readJson(response) }).toMatchObject({ status: 201 });
    await eventually(() => packageStatus(quiet, 'PKG-1'), (status) => status === 200);
    expect(await checkpoint('package_status')).toMatchObject({ position: await lastPosition() });
    // builds reads no package update: no transaction moved (or even locked) its checkpoint.
    expect(await checkpoint('builds')).toEqual(builds);
  });

  it("the timer catches up every projection behind the log, including another replica's appends", async () => {
    polling = await fixture.start({ PROJECTION_POLL_MS: '50' });
    // Appended without the in-process event (as another replica would): only a poll finds it.
    await quiet.app.get(EventLog).appendToStream(tenant.id, 'tracking-PKG-2', [
      { eventId: uuidv7(), type: Topics.packageUpdated.name, topicVersion: 1, data: update('PKG-2'), metadata: {}, occurredAt: '2026-12-06T10:00:00Z' },
    ], 'any');
    await eventually(() => packageStatus(polling!, 'PKG-2'), (status) => status === 200);
    const head = await lastPosition();
    await eventually(() => checkpoint('builds'), (c) => c.position === head);
  });
});
