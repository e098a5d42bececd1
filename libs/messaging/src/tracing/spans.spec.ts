import { SpanStatusCode } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { Topics } from '@tributary/topics';
import { createEnvelope } from '../envelope/envelope.js';
import { activeTraceparent, enableSpans, inSpan, openSpan, spansEnabled, traceparentOf, withSpan } from './spans.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER = `00-${TRACE}-b7ad6b7169203331-01`;
const OTHER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const data = { trackingId: 'P', carrier: 'DHL', status: 'x', occurredAt: '2026-12-07T10:00:00.000Z' };

describe('the platform spans', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });

  beforeAll(() => provider.register());
  afterAll(() => provider.shutdown());
  afterEach(() => {
    enableSpans(false);
    exporter.reset();
  });

  it('are no-ops while off, even with an SDK registered: no span, no active traceparent, fn just runs', async () => {
    expect(spansEnabled()).toBe(false);
    expect(openSpan('x', { parent: CALLER })).toBeUndefined();
    expect(await inSpan('x', {}, async () => activeTraceparent())).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("continue a caller's traceparent, and start a trace from none, an invalid one or an all-zero trace id", () => {
    enableSpans(true);
    const continued = openSpan('continued', { parent: CALLER })!;
    const roots = [null, 'garbage', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`].map((parent) => openSpan('root', { parent })!);
    [continued, ...roots].forEach((span) => span.end());
    const [first, ...others] = exporter.getFinishedSpans();
    expect([first.spanContext().traceId, first.parentSpanContext?.spanId]).toEqual([TRACE, 'b7ad6b7169203331']);
    for (const root of others) {
      expect(root.parentSpanContext).toBeUndefined();
      expect(root.spanContext().traceId).not.toBe(TRACE);
    }
    expect(traceparentOf(continued)).toBe(`00-${TRACE}-${continued.spanContext().spanId}-01`);
  });

  it('link the other traces a span serves', () => {
    enableSpans(true);
    openSpan('batch', { parent: CALLER, links: [OTHER, 'garbage'] })!.end();
    expect(exporter.getFinishedSpans()[0].links.map((l) => l.context.traceId)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
  });

  it('put a message published under a span of its trace under that span, and keep the trace of a message of another one', () => {
    enableSpans(true);
    const handling = openSpan('process', { parent: CALLER })!;
    const [bare, sameTrace, otherTrace] = withSpan(handling, () => [
      createEnvelope(Topics.carrierUpdateReceived, data, { source: 't', tenantId: 't' }),
      createEnvelope(Topics.carrierUpdateReceived, data, { source: 't', tenantId: 't', cause: { id: 'c', correlationid: 'c', traceparent: CALLER } }),
      createEnvelope(Topics.carrierUpdateReceived, data, { source: 't', tenantId: 't', traceparent: OTHER }),
    ]);
    handling.end();
    expect(bare.traceparent).toBe(traceparentOf(handling));
    expect(sameTrace.traceparent).toBe(traceparentOf(handling));
    expect(otherTrace.traceparent).toBe(OTHER);
  });

  it('end a span with the error its work failed with, and rethrow it', async () => {
    enableSpans(true);
    await expect(inSpan('failing', {}, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });
});
