import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { endSpan, openSpan, uuidv7, withSpan } from '@tributary/messaging';
import { startTracing, type Tracing } from '@tributary/observability';
import { eventually, LogCapture } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { eventStoreFixture, type EventStoreFixture, type RunningEventStore } from '../../../../test/support/event-store-fixture.js';
import { EventLog } from '../log/event-log.js';
import { ProjectionDaemon } from './projection-daemon.js';

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const update = (trackingId: string) => ({ trackingId, carrier: 'dhl', status: 'in_transit', carrierStatus: 'In Transit', occurredAt: '2026-12-06T10:00:00Z' });

/**
 * Tracing on, the projection's transaction names its trace in the setting tributary.traceparent, which
 * the change-sink's capture trigger stores with each row change (the push continues it). A run of
 * events of several traces applied at once must not put one event's rows in another event's trace.
 * A trigger of the test's own records the setting as each row is written.
 */
describe('projection traces: a row written for an event is never put in another event’s trace', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let fixture: EventStoreFixture;
  let store: RunningEventStore;
  let tenant: { id: string };
  const logs = new LogCapture();

  beforeAll(async () => {
    tracing = (await startTracing({ serviceName: 'tributary-test', exporter, instrument: false }))!;
    fixture = await eventStoreFixture();
    // No timer: the projection runs when the test triggers it, after both events are in the log.
    store = await fixture.start({ PROJECTION_POLL_MS: '3600000' }, undefined, logs);
    tenant = await fixture.tenant(store.dataSource, 'traces');
    await store.dataSource.query(`CREATE TABLE public.seen_traces (tracking_id text, traceparent text)`);
    await store.dataSource.query(`GRANT INSERT ON public.seen_traces TO PUBLIC`);
    await store.dataSource.query(`
      CREATE FUNCTION public.see_trace() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN
        IF NEW.tracking_id = 'PKG-FAIL' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        INSERT INTO public.seen_traces VALUES (NEW.tracking_id, current_setting('tributary.traceparent', true));
        RETURN NULL;
      END $$`);
    await store.dataSource.query(`CREATE TRIGGER see_trace AFTER INSERT OR UPDATE ON event_store.package_status FOR EACH ROW EXECUTE FUNCTION public.see_trace()`);
  });

  afterAll(async () => {
    await fixture?.drop();
    await tracing?.shutdown();
  });

  it('applies a run of two traces without giving the second event’s row the first one’s trace', async () => {
    const log = store.app.get(EventLog);
    for (const [trackingId, traceId] of [['PKG-A', TRACE_A], ['PKG-B', TRACE_B]]) {
      await log.appendToStream(tenant.id, `tracking-${trackingId}`, [
        { eventId: uuidv7(), type: Topics.packageUpdated.name, topicVersion: 1, data: update(trackingId), metadata: { traceparent: `00-${traceId}-b7ad6b7169203331-01` }, occurredAt: '2026-12-06T10:00:00Z' },
      ], 'any');
    }
    store.app.get(ProjectionDaemon).trigger([Topics.packageUpdated.name]);
    const seen = await eventually(
      () => store.dataSource.query<{ tracking_id: string; traceparent: string | null }[]>(`SELECT tracking_id, traceparent FROM public.seen_traces ORDER BY tracking_id`),
      (rows) => rows.length === 2,
    );
    // The project span ran (tracing is on), and one run applied both events.
    expect(exporter.getFinishedSpans().filter((s) => s.name === 'project package_status').map((s) => s.attributes['tributary.event_count'])).toEqual([2]);
    const own = { 'PKG-A': TRACE_A, 'PKG-B': TRACE_B } as Record<string, string>;
    for (const row of seen) {
      const traceId = row.traceparent ? row.traceparent.slice(3, 35) : undefined;
      expect([row.tracking_id, traceId === undefined || traceId === own[row.tracking_id]]).toEqual([row.tracking_id, true]);
    }
  });

  it('gives the rows of a run of one trace that trace (the project span continuing it)', async () => {
    await store.app.get(EventLog).appendToStream(tenant.id, 'tracking-PKG-C', [
      { eventId: uuidv7(), type: Topics.packageUpdated.name, topicVersion: 1, data: update('PKG-C'), metadata: { traceparent: `00-${TRACE_A}-b7ad6b7169203331-01` }, occurredAt: '2026-12-06T10:00:00Z' },
    ], 'any');
    store.app.get(ProjectionDaemon).trigger([Topics.packageUpdated.name]);
    const [row] = await eventually(
      () => store.dataSource.query<{ traceparent: string | null }[]>(`SELECT traceparent FROM public.seen_traces WHERE tracking_id = 'PKG-C'`),
      (rows) => rows.length === 1,
    );
    const project = exporter.getFinishedSpans().filter((s) => s.name === 'project package_status' && s.attributes['tributary.event_count'] === 1);
    expect(project.map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`)).toEqual([row.traceparent]);
    expect(row.traceparent).toMatch(new RegExp(`^00-${TRACE_A}-`));
  });

  // Last: the event it appends stays unprojected (its projection fails).
  it('catches up outside the span of whoever triggered it: what the catch-up logs is not in that span', async () => {
    await store.app.get(EventLog).appendToStream(tenant.id, 'tracking-PKG-FAIL', [
      { eventId: uuidv7(), type: Topics.packageUpdated.name, topicVersion: 1, data: update('PKG-FAIL'), metadata: {}, occurredAt: '2026-12-06T10:00:00Z' },
    ], 'any');
    // As ProjectOnAppend triggers it: inside the span of the message whose append it follows.
    const caller = openSpan('process caller', { parent: null })!;
    withSpan(caller, () => store.app.get(ProjectionDaemon).trigger([Topics.packageUpdated.name]));
    endSpan(caller);
    const failed = await eventually(
      async () => logs.records().filter((line) => JSON.stringify(line).includes('projection catch-up failed')),
      (lines) => lines.length > 0,
    );
    expect(failed.map((line) => line.spanId)).toEqual([undefined]);
  });
});
