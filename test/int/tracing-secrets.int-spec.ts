import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { endSpan, openSpan, withSpan } from '@tributary/messaging';
import { incomingUrlAttributes, outgoingUrlAttributes, startTracing, type Tracing } from '@tributary/observability';
import { OutboundHttp } from '../../apps/integration-worker/src/runtime/outbound-http.js';

/**
 * Tracing on, with the instrumentations production registers (http among them): no span carries a
 * secret of a URL — a settlement token in a path (stl_…), a query-token webhook's `?token=`, the
 * path or query of an integration's outbound URL (a relay target's path can be its credential).
 * And the SDK's shutdown never fails an app's shutdown because the collector cannot be reached.
 */

const SECRETS = ['SeCrEtPath', 'key_SeCrEtOut'];

describe('tracing on: no URL secret in a span', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let server: ReturnType<typeof createServer>;
  let base: string;

  beforeAll(async () => {
    tracing = (await startTracing({ serviceName: 'tributary-test', exporter }))!;
    server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tracing?.shutdown();
  });

  const leaked = () =>
    exporter
      .getFinishedSpans()
      .flatMap((span) => [span.name, ...Object.values(span.attributes).map(String)])
      .filter((text) => SECRETS.some((secret) => text.includes(secret)));

  // The http instrumentation does not patch node:http under Jest's module system (checked in a plain
  // Node process): its hooks are checked here as the instrumentation calls them, with what it passes.
  it('gives the http instrumentation URL attributes without path tokens or the outbound path and query', () => {
    expect(incomingUrlAttributes({ url: '/v1/settlements/stl_SeCrEtSettle?outcome=ack' })).toEqual({ 'url.path': '/v1/settlements/stl_[redacted]' });
    expect(incomingUrlAttributes({ url: '/webhooks/wh_1?token=tok_SeCrEtQuery' })).toEqual({ 'url.path': '/webhooks/wh_1' });
    expect(outgoingUrlAttributes({ protocol: 'https:', hostname: 'hooks.example.com', port: 8443 })).toEqual({ 'url.full': 'https://hooks.example.com:8443' });
    expect(outgoingUrlAttributes({ protocol: 'http:', hostname: '::1' })).toEqual({ 'url.full': 'http://[::1]' });
  });

  it("records an integration's outbound calls without the URL's path or query", async () => {
    exporter.reset();
    const handling = openSpan('process test.topic')!;
    await withSpan(handling, () =>
      new OutboundHttp({ idempotencyKey: 'trb_tracing_test', allowPrivateNetwork: true }).request({ url: `${base}/relay/SeCrEtPath?api_key=key_SeCrEtOut`, json: { a: 1 } }),
    );
    endSpan(handling);
    const clients = exporter.getFinishedSpans().filter((span) => span.attributes['server.address'] === '127.0.0.1' && span.kind === 2);
    expect(clients.map((span) => span.attributes['url.full'])).toEqual([base]);
    expect(leaked()).toEqual([]);
  });
});
