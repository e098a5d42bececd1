import { createRequire, syncBuiltinESMExports } from 'node:module';
import { enableSpans } from '@tributary/messaging';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { currentApp, withoutPathTokens } from '../logging.js';

export interface TracingOptions {
  /** `service.name` of the process (OTEL_SERVICE_NAME, or the app's default: `tributary-gateway` …). */
  readonly serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL (`http://otel-collector:4318`). Unset: tracing is off. */
  readonly endpoint?: string;
  /** OTEL_TRACES_SAMPLER_ARG: the share of new traces recorded (a continued trace follows its parent's decision). */
  readonly sampleRatio?: number;
  /**
   * Where finished spans go instead of OTLP — tests pass an `InMemorySpanExporter`. Given, tracing is
   * on whatever `endpoint` says.
   */
  readonly exporter?: SpanExporter;
  /** Register the http, express, pg, graphql and kafkajs instrumentations (default true; tests of in-process apps turn them off). */
  readonly instrument?: boolean;
}

export interface Tracing {
  /** Exports what is pending (tests: before reading the in-memory exporter). */
  flush(): Promise<void>;
  /** Flushes and stops: spans are off again. Resolves even when the last spans could not be exported. */
  shutdown(): Promise<void>;
}

/** Labels each span with the app whose code started it (`runAsApp`): in the standalone one SDK serves the four apps. */
class AppAttribute implements SpanProcessor {
  onStart(span: Span, _parent: Context): void {
    const app = currentApp();
    if (app) span.setAttribute('tributary.app', app);
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

let started: Promise<Tracing> | undefined;

/**
 * Starts OpenTelemetry for the process when `endpoint` (or a test's `exporter`) is given; otherwise
 * does nothing and returns undefined — no SDK is loaded, no instrumentation registered, and the
 * platform's spans (`openSpan` in @tributary/messaging) stay no-ops. One SDK per process: a second
 * call (the standalone's apps, each told to start tracing) gets the first's handle.
 *
 * Call it before the app's modules are loaded (the entry points import them after it): what an ES
 * module binds at its import (Apollo Server's graphql functions) is wrapped only if it was before.
 */
export function startTracing(options: TracingOptions): Promise<Tracing> | undefined {
  if (!options.endpoint && !options.exporter) return undefined;
  started ??= start(options);
  return started;
}

async function start(options: TracingOptions): Promise<Tracing> {
  const [{ NodeSDK }, { BatchSpanProcessor, SimpleSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = options.exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: `${options.endpoint!.replace(/\/+$/, '')}/v1/traces` });
  // A test reads its spans right after the work: exported as each ends. In production, in batches.
  const export_ = options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    autoDetectResources: false,
    spanProcessors: [new AppAttribute(), export_],
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio ?? 1) }),
    instrumentations: options.instrument === false ? [] : await instrumentations(),
    // Traces only: left unset, the SDK would also export metrics and logs to the endpoint (the apps' metrics are /metrics).
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  if (options.instrument !== false) patchLoadedModules();
  enableSpans(true);
  return {
    flush: () => export_.forceFlush(),
    async shutdown() {
      enableSpans(false);
      started = undefined;
      // Never fails the app's shutdown (exitOnSignals would exit 1 after a clean drain): a collector
      // that cannot be reached costs the last spans, said on stderr, not the exit code.
      await sdk.shutdown().catch((error: unknown) => {
        process.stderr.write(`tracing: the last spans were not exported: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    },
  };
}

/**
 * The instrumentations patch a module when it is required. Each entry point starts tracing before it
 * loads its app (which loads express, graphql and the rest), so that no ES module has bound a
 * library's functions before they are wrapped; node:http was loaded before (Node's own), and so was
 * kafkajs (by the messaging lib the logger uses). Requiring each library here, through the hook, wraps
 * it — the loaded ones in place — and syncing the built-ins' ES exports makes named imports
 * (`import { request } from 'node:http'`) see the wrapped functions. (Left to load later, from the app,
 * express was not wrapped: checked on a running standalone against an OTLP receiver.)
 */
function patchLoadedModules(): void {
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  for (const name of ['express', 'graphql', 'pg', 'kafkajs']) {
    try {
      require(name);
    } catch {
      // Not installed where this runs: nothing to patch.
      continue;
    }
  }
  syncBuiltinESMExports();
}

async function instrumentations() {
  const [{ HttpInstrumentation }, { ExpressInstrumentation }, { PgInstrumentation }, { GraphQLInstrumentation }, { KafkaJsInstrumentation }] = await Promise.all([
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-graphql'),
    import('@opentelemetry/instrumentation-kafkajs'),
  ]);
  return [
    // Probes and scrapes are not traced: they would bury the traces of real work.
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
      // No secret of a URL in a span: settlement tokens in paths, a query-token webhook's ?token=, and
      // the path and query of outbound URLs (a relay target's path or query can be its credential).
      startIncomingSpanHook: incomingUrlAttributes,
      redactedQueryParamsServer: REDACTED_QUERY_PARAMS,
      startOutgoingSpanHook: outgoingUrlAttributes,
    }),
    new ExpressInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true }),
    new GraphQLInstrumentation({ mergeItems: true }),
    new KafkaJsInstrumentation(),
  ];
}

/** Query parameters whose values a span never carries: the instrumentation's own list, and the query-token verifier's `token`. */
const REDACTED_QUERY_PARAMS = ['sig', 'Signature', 'AWSAccessKeyId', 'X-Goog-Signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token', 'token'];

/** An incoming request's `url.path` without capability tokens (`stl_…`), as the access log has it. */
export function incomingUrlAttributes(request: Pick<IncomingMessage, 'url'>): { 'url.path': string } {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return { 'url.path': String(withoutPathTokens(query < 0 ? url : url.slice(0, query))) };
}

/** An outgoing request's `url.full`: its origin only (the path and query of a third party's URL can hold its credential). */
export function outgoingUrlAttributes(options: Pick<RequestOptions, 'protocol' | 'hostname' | 'host' | 'port'>): { 'url.full': string } {
  const host = options.hostname ?? options.host ?? 'localhost';
  return { 'url.full': `${options.protocol ?? 'http:'}//${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${options.port ? `:${String(options.port)}` : ''}` };
}
