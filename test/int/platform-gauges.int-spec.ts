import { eventually } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

// A carrier update the worker's normalizer rejects (empty carrier): non-retryable, dead-lettered at once.
const invalid = (trackingId: string) => ({ trackingId, carrier: '', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' }) as CarrierUpdateReceived;
const PLATFORM_GAUGES = ['tributary_consumer_lag_messages', 'tributary_dead_letters', 'tributary_deferred_messages'];

/** The platform-wide gauges' series one instance's /metrics answers (their HELP/TYPE lines aside). */
const platformSeries = async (worker: RunningWorker) =>
  (await (await fetch(`${worker.url}/metrics`)).text()).split('\n').filter((line) => PLATFORM_GAUGES.some((name) => line.startsWith(`${name}{`)));

describe('platform-wide gauges (lag, dead letters, deferred) exported by one process of the platform', () => {
  let first: RunningWorker;
  let second: RunningWorker | undefined;
  let firstClosed = false;

  beforeAll(async () => {
    first = await startWorker();
    second = await startWorker({}, first);
    const tenant = await first.tenant('acme');
    await first.publish(Topics.carrierUpdateReceived, invalid('PKG-1'), tenant.id);
    await first.publish(Topics.carrierUpdateReceived, invalid('PKG-2'), tenant.id);
  });

  afterAll(async () => {
    await second?.stop();
    if (firstClosed) await first?.db.drop();
    else await first?.stop();
  });

  it('answers them from the lock holder alone, and from the other instance once the holder stops', async () => {
    const deadLetters = 'tributary_dead_letters{group="integration-worker",topic="tracking.carrier-update.received",app="integration-worker"} 2';
    // The first instance scraped takes the exporter lock, and answers the database's gauges.
    const fromFirst = await eventually(() => platformSeries(first), (lines) => lines.includes(deadLetters), { timeoutMs: 30_000 });
    expect(fromFirst.some((l) => l.startsWith('tributary_consumer_lag_messages{group="integration-worker"'))).toBe(true);
    // The other exports none of those series, scrape after scrape, while the holder runs.
    expect(await platformSeries(second!)).toEqual([]);
    expect(await platformSeries(second!)).toEqual([]);
    expect((await platformSeries(first)).includes(deadLetters)).toBe(true);
    // Both still answer their own metrics.
    expect(await (await fetch(`${second!.url}/metrics`)).text()).toContain('tributary_http_requests_total');

    // The holder stops (its lock goes with it): the other takes over at its next scrape.
    await first.app.close();
    firstClosed = true;
    const fromSecond = await platformSeries(second!);
    expect(fromSecond).toContain(deadLetters);
    expect(fromSecond.some((l) => l.startsWith('tributary_consumer_lag_messages{group="integration-worker"'))).toBe(true);
  });
});
