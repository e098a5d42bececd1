import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';

/**
 * The platform's own spans, at the boundaries a message crosses (webhook ingress, consume, append,
 * push), continued from and written into the envelope's `traceparent`. They are made by hand because
 * the postgres transport touches no instrumented library, and because they are what makes one
 * webhook one trace across the four apps. Off (the default: no SDK started) every function here
 * returns at once and the envelope's `traceparent` is carried as before.
 */
let enabled = false;

/** Called by `startTracing` (@tributary/observability) once an SDK is registered, and by its shutdown. */
export function enableSpans(on: boolean): void {
  enabled = on;
}

export const spansEnabled = (): boolean => enabled;

export { SpanKind };
export type { Span };

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function spanContextOf(traceparent: string | null | undefined): SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16) & 1, isRemote: true };
}

/** The W3C `traceparent` of a span. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-0${traceFlags & 1}`;
}

/** The active span's `traceparent` while spans are on and one is active; undefined otherwise. */
export function activeTraceparent(): string | undefined {
  if (!enabled) return undefined;
  const span = trace.getActiveSpan();
  return span && span.spanContext().traceId !== '00000000000000000000000000000000' ? traceparentOf(span) : undefined;
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  /**
   * The remote parent (an envelope's or a request's `traceparent`). Undefined: the active span is the
   * parent. Null or invalid: the span starts a trace.
   */
  readonly parent?: string | null;
  /** Other traces the span serves (a batch's other messages). */
  readonly links?: readonly string[];
  readonly attributes?: Attributes;
}

function parentContext(parent: string | null | undefined): Context {
  if (parent === undefined) return context.active();
  const remote = spanContextOf(parent);
  return remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
}

/** Starts a span (not made active): undefined while spans are off. The caller ends it (`endSpan`). */
export function openSpan(name: string, options: SpanOptions = {}): Span | undefined {
  if (!enabled) return undefined;
  const links: Link[] = [];
  for (const traceparent of options.links ?? []) {
    const linked = spanContextOf(traceparent);
    if (linked) links.push({ context: linked });
  }
  return trace
    .getTracer('tributary')
    .startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links }, parentContext(options.parent));
}

/** Ends a span, recording the error it ended with, if any. */
export function endSpan(span: Span | undefined, error?: unknown): void {
  if (!span) return;
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/** Runs `fn` with `span` active (so what it starts, and what it publishes, descends from it); just runs it without one. */
export function withSpan<T>(span: Span | undefined, fn: () => T): T {
  return span ? context.with(trace.setSpan(context.active(), span), fn) : fn();
}

/**
 * Runs `fn` outside any span: background work started from inside one (a catch-up triggered by a
 * message's handler) that goes on to serve other messages must not stay in that span's trace — its
 * log lines, statements and spans would land there. While spans are off: `fn()`.
 */
export function outsideSpans<T>(fn: () => T): T {
  return enabled ? context.with(ROOT_CONTEXT, fn) : fn();
}

/** `fn` inside a new active span, ended when `fn` settles (with its error, if it fails). While spans are off: `fn()`. */
export async function inSpan<T>(name: string, options: SpanOptions, fn: () => Promise<T>): Promise<T> {
  const span = openSpan(name, options);
  if (!span) return fn();
  try {
    const result = await withSpan(span, fn);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/**
 * The parent of a server span: the active span when an instrumentation already made one for the
 * request (it continued the caller's `traceparent`), else the caller's `traceparent` header.
 */
export function serverParent(header: string | null | undefined): string | null | undefined {
  return trace.getActiveSpan() ? undefined : (header ?? null);
}

/** A new server span for an incoming request, with the trace context the request carries on (into logs, answers, envelopes). */
export function openServerSpan(name: string, header: string | null | undefined, attributes?: Attributes): { span: Span; trace: { traceId: string; traceparent: string } } | undefined {
  const span = openSpan(name, { kind: SpanKind.SERVER, parent: serverParent(header), attributes });
  return span && { span, trace: { traceId: span.spanContext().traceId, traceparent: traceparentOf(span) } };
}
