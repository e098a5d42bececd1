import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createEnvelope, endSpan, openSpan, SpanKind, spansEnabled, traceparentOf, withSpan } from '@tributary/messaging';
import { startTracing, type Tracing } from '@tributary/observability';
import { createTestDatabase, eventually, readJson, sendStandardWebhook, subscribe, type Subscription, type TestDatabase } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { startPlatform, type RunningPlatform } from '../../apps/standalone/src/platform.js';
import { loadStandaloneConfig } from '../../apps/standalone/src/standalone.config.js';
import { OutboundHttp } from '../../apps/integration-worker/src/runtime/outbound-http.js';
import { createTenantWithWebhook } from '../support/tenant-fixture.js';

/** A real HTTP server that records the headers of what it is sent. */
async function startRecorder() {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    received.push(request.headers);
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
const outbound = (traceparent: string) => new OutboundHttp({ idempotencyKey: 'trb_tracing_test', allowPrivateNetwork: true, traceparent });

/**
 * OpenTelemetry across the four apps (here in one process, as the standalone runs them, one SDK for
 * all): one webhook is one trace, from the gateway's ingress span through the worker's and the
 * event store's consumer spans and the projection to the change-sink's push — the spans exported to
 * an in-memory exporter, the test seam `startTracing` takes instead of an OTLP endpoint.
 */

const PACKAGE_UPDATED = `subscription { packageUpdated { trackingId status } }`;

const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

describe('tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset)', () => {
  it('starts no SDK: no tracer provider is registered, no span is made, envelopes carry the trace they are given', () => {
    expect(startTracing({ serviceName: 'tributary-test' })).toBeUndefined();
    expect(spansEnabled()).toBe(false);
    expect(openSpan('anything')).toBeUndefined();
    // The API's global provider is still its proxy with no delegate: nothing was registered.
    expect(trace.getTracer('tributary').startSpan('x').spanContext().traceId).toBe('00000000000000000000000000000000');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const envelope = createEnvelope(Topics.carrierUpdateReceived, { trackingId: 'P', carrier: 'DHL', status: 'x', occurredAt: new Date().toISOString() }, { source: 't', tenantId: 't', traceparent });
    expect(envelope.traceparent).toBe(traceparent);
  });

  it("forwards the handled message's traceparent on a handler's outbound calls", async () => {
    const recorder = await startRecorder();
    try {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await outbound(traceparent).request({ url: recorder.url });
      expect(recorder.received.map((h) => h.traceparent)).toEqual([traceparent]);
    } finally {
      await recorder.stop();
    }
  });
});

describe('tracing on: one webhook, one trace across the four apps', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let home: string;
  let database: TestDatabase;
  let platform: RunningPlatform;
  let subscription: Subscription<{ trackingId: string }> | undefined;

  beforeAll(async () => {
    tracing = (await startTracing({ serviceName: 'tributary-test', exporter, instrument: false }))!;
    home = mkdtempSync(join(tmpdir(), 'tributary-tracing-'));
    database = await createTestDatabase();
    platform = await startPlatform(
      loadStandaloneConfig({
        TRIBUTARY_HOME: home,
        DATABASE_URL: database.url,
        GATEWAY_PORT: '0',
        EVENT_STORE_PORT: '0',
        CHANGE_SINK_PORT: '0',
        WORKER_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await subscription?.close();
    await platform?.stop();
    await tracing?.shutdown();
    await database?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it("makes each outbound call of a handler a client span under the active span, and sends that span's traceparent", async () => {
    const recorder = await startRecorder();
    try {
      const handling = openSpan('process test.topic', { parent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })!;
      await withSpan(handling, () => outbound('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01').request({ url: recorder.url, json: { a: 1 } }));
      endSpan(handling);
      const client = exporter.getFinishedSpans().find((s) => s.name === 'POST' && parentOf(s) === handling.spanContext().spanId);
      const seen = client && { traceId: client.spanContext().traceId, kind: client.kind, method: client.attributes['http.request.method'], url: client.attributes['url.full'] };
      expect(seen).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', kind: SpanKind.CLIENT, method: 'POST', url: new URL(recorder.url).origin });
      expect(recorder.received.map((h) => h.traceparent)).toEqual([`00-0af7651916cd43dd8448eb211c80319c-${idOf(client!)}-01`]);
      expect(traceparentOf(handling)).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    } finally {
      await recorder.stop();
    }
  });

  it('records the spans of ingress, worker, event store and push under the trace id the webhook was answered with, nested', async () => {
    const tenant = await createTenantWithWebhook(platform.urls.gateway, platform.adminKey, 'acme');
    subscription = subscribe<{ trackingId: string }>(platform.urls.graphqlWs, tenant.apiKey, PACKAGE_UPDATED, {}, 'packageUpdated');
    await subscription.connected;

    const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, {
      trackingId: 'PKG-TRACED',
      carrier: 'DHL',
      status: 'In Transit',
      occurredAt: new Date().toISOString(),
    });
    expect(response.status).toBe(202);
    const answer = (await readJson(response)) as { eventId: string; traceId: string };
    expect(response.headers.get('x-trace-id')).toBe(answer.traceId);
    await eventually(async () => subscription!.received, (r) => r.some((u) => u.trackingId === 'PKG-TRACED'), { timeoutMs: 30_000 });

    // Every span of the trace ended, each with its parent among them (some end after the push: the worker's later steps).
    const spans = await eventually(
      async () => exporter.getFinishedSpans().filter((s) => traceOf(s) === answer.traceId),
      (found) => {
        const ids = new Set(found.map(idOf));
        return found.some((s) => s.name.startsWith('push ')) && found.every((s) => parentOf(s) === undefined || ids.has(parentOf(s)!));
      },
      { timeoutMs: 30_000 },
    );
    const byId = new Map(spans.map((s) => [idOf(s), s]));

    // The ingress span is the root (the sender sent no traceparent) and names the event.
    const roots = spans.filter((s) => parentOf(s) === undefined);
    expect(roots.map((s) => [s.name, s.attributes['tributary.app'], s.attributes['tributary.event_id']])).toEqual([
      ['POST /webhooks/:webhookId', 'gateway', answer.eventId],
    ]);

    // Every consumer span of a message of this webhook's conversation (the event and its consequences) is in the trace.
    const conversation = exporter.getFinishedSpans().filter((s) => s.attributes['messaging.message.conversation_id'] === answer.eventId);
    expect(conversation.length).toBeGreaterThan(0);
    expect(new Set(conversation.map(traceOf))).toEqual(new Set([answer.traceId]));
    // … and so is every push to this tenant.
    const pushes = exporter.getFinishedSpans().filter((s) => s.name.startsWith('push ') && s.attributes['tributary.tenant_id'] === tenant.id);
    expect(pushes.length).toBeGreaterThan(0);
    expect(new Set(pushes.map(traceOf))).toEqual(new Set([answer.traceId]));

    // Spans of all four apps.
    const apps = new Set(spans.map((s) => s.attributes['tributary.app']));
    expect([...apps].sort()).toEqual(expect.arrayContaining(['change-sink', 'event-store', 'gateway', 'integration-worker']));
    const names = spans.map((s) => `${String(s.attributes['tributary.app'])}: ${s.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'integration-worker: process tracking.carrier-update.received',
        'event-store: process tracking.carrier-update.received',
        'event-store: process tracking.package.updated',
        'event-store: project package_status',
        'change-sink: push event_store.package_status',
      ]),
    );

    // The push descends from the ingress: up its parents, worker and event store on the way.
    const push = pushes[0];
    const chain: ReadableSpan[] = [];
    for (let span: ReadableSpan | undefined = push; span; span = parentOf(span) ? byId.get(parentOf(span)!) : undefined) chain.push(span);
    expect(chain[chain.length - 1]).toBe(roots[0]);
    expect(new Set(chain.map((s) => s.attributes['tributary.app']))).toEqual(new Set(['change-sink', 'event-store', 'integration-worker', 'gateway']));
  }, 90_000);
});
