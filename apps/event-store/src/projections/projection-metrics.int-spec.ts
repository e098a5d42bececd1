import { uuidv7 } from '@tributary/messaging';
import { Topics } from '@tributary/topics';
import { eventStoreFixture, projectedAll, publishAs, type EventStoreFixture, type RunningEventStore } from '../../../../test/support/event-store-fixture.js';

/** One sample of the event store's /metrics (0 when the series is absent). */
const sample = async (store: RunningEventStore, name: string, labels: Record<string, string>) => {
  const text = await (await fetch(`${store.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

describe('tributary_event_projected_latency_seconds: from the envelope time to the live projection', () => {
  let fixture: EventStoreFixture;
  let store: RunningEventStore;

  beforeAll(async () => {
    fixture = await eventStoreFixture();
    store = await fixture.start();
  });

  afterAll(async () => {
    await store?.close();
    await fixture?.drop();
  });

  it('observes each consumed event once when its projection applies it, a redelivered one not again', async () => {
    const tenant = await fixture.tenant(store.dataSource, 'acme');
    const update = (trackingId: string) => ({ trackingId, carrier: 'dhl', status: 'in_transit', carrierStatus: 'scanned', occurredAt: '2026-12-01T10:00:00.000Z' });
    const messages = ['PKG-L1', 'PKG-L2', 'PKG-L3'].map((trackingId) => ({ topic: Topics.packageUpdated, data: update(trackingId), id: uuidv7() }));
    await publishAs(store, tenant.id, messages);
    // The same message again (same id): the log keeps it once, the projection applies it once.
    await publishAs(store, tenant.id, [messages[0]]);
    await projectedAll(store, 'package_status', 'tracking.package.');
    const labels = { projection: 'package_status', app: 'event-store' };
    expect(await sample(store, 'tributary_event_projected_latency_seconds_count', labels)).toBe(3);
    // Every observation fell in the last bucket at most (5 minutes): the start is the envelope's time, not the payload's occurredAt.
    expect(await sample(store, 'tributary_event_projected_latency_seconds_bucket', { ...labels, le: '300' })).toBe(3);
  });
});
