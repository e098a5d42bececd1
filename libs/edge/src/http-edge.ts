import type { INestApplication } from '@nestjs/common';
import { activeTraceparent, continueTrace, endSpan, openServerSpan, spansEnabled, traceIdOf, withSpan } from '@tributary/messaging';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CodedErrorFilter, sendError } from './coded-error.filter.js';
import { answerClientErrors } from './client-error.js';
import { configureServerTimeouts } from './server-timeouts.js';
import { refuseForgeableGraphql } from './graphql-csrf.js';
import { separateInternalRoutes } from './internal-http.js';
import { containsNul, DEFAULT_JSON_MAX_DEPTH, jsonNestsDeeperThan, NUL_REFUSED, payloadTooDeep, urlContainsNul } from '@tributary/domain';

export interface TracedRequest extends Request {
  traceId: string;
  traceparent: string;
  rawBody?: Buffer;
}

export interface HttpEdgeOptions {
  /** Paths whose body is kept raw (Buffer in `req.body`), e.g. webhook ingress that verifies signatures. */
  readonly rawBodyPaths?: readonly string[];
  readonly bodyLimit?: string;
  /** How deeply a JSON body may nest (AppConfig.JSON_MAX_DEPTH). */
  readonly jsonMaxDepth?: number;
  /** AppConfig.INTERNAL_PORT: set, `/metrics` and `/docs` are served there only (start the app with `listenApp`). */
  readonly internalPort?: number;
}

/** The body-parser error of a body nested deeper than the limit (checked on the raw bytes, before parsing). */
class TooDeep extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
}

/**
 * What every app's HTTP edge does first: continue or start the trace (`traceparent` in,
 * `x-trace-id` out), keep the operator routes off the public port when `internalPort` is set, parse
 * bodies with errors in the platform's error format, map exceptions.
 * Apps are created with `bodyParser: false` so that these parsers are the only ones. What Node's
 * HTTP parser and Apollo's CSRF prevention refuse is answered in the error format too.
 */
export function configureHttpEdge(app: INestApplication, options: HttpEdgeOptions = {}): void {
  const limit = options.bodyLimit ?? '1mb';
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  answerClientErrors(app.getHttpServer());
  configureServerTimeouts(app.getHttpServer());
  app.use((request: Request, response: Response, next: NextFunction) => {
    // Tracing on: the request's span (the http instrumentation's, else one made here) is its trace.
    const active = activeTraceparent();
    // Named by method, then by the route once known: a path may carry ids and capability tokens (stl_…), never sent.
    const traced = active || !spansEnabled() ? undefined : openServerSpan(request.method, request.header('traceparent'), { 'http.request.method': request.method });
    const trace = active ? { traceId: traceIdOf(active)!, traceparent: active } : (traced?.trace ?? continueTrace(request.header('traceparent')));
    Object.assign(request, trace);
    response.setHeader('x-trace-id', trace.traceId);
    if (traced) {
      response.once('close', () => {
        const route = (request.route as { path?: unknown } | undefined)?.path;
        if (typeof route === 'string') traced.span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
        traced.span.setAttribute('http.response.status_code', response.statusCode);
        endSpan(traced.span, response.statusCode >= 500 ? new Error(`answered ${response.statusCode}`) : undefined);
      });
    }
    // HTTP/1.1 requires a Host header (RFC 9112 §3.2); Node's own check is turned off by answerClientErrors.
    if (request.httpVersion === '1.1' && request.headers.host === undefined) {
      return sendError(request, response, 400, 'bad_request', 'An HTTP/1.1 request needs a Host header');
    }
    if (traced) withSpan(traced.span, next);
    else next();
  });
  if (options.internalPort !== undefined) separateInternalRoutes(app, options.internalPort);
  for (const path of options.rawBodyPaths ?? []) {
    app.use(path, express.raw({ type: () => true, limit }));
  }
  const maxDepth = options.jsonMaxDepth ?? DEFAULT_JSON_MAX_DEPTH;
  const verify = (_request: unknown, _response: unknown, body: Buffer) => {
    if (jsonNestsDeeperThan(body, maxDepth)) throw new TooDeep();
  };
  app.use(express.json({ limit, verify }));
  app.use((error: { type?: string; status?: number }, request: Request, response: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') return sendError(request, response, 413, 'payload_too_large', `Body exceeds ${limit}`);
    if (error.type === 'entity.too.deep') return sendError(request, response, 400, payloadTooDeep(maxDepth).code, payloadTooDeep(maxDepth).message);
    if (error.type === 'entity.parse.failed') return sendError(request, response, 400, 'invalid_json', 'Body is not valid JSON');
    if (error.status && error.status < 500) return sendError(request, response, error.status, 'bad_request', 'Malformed request');
    next(error);
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    // GraphQL bodies are checked by the endpoint (graphqlEndpointOptions), which answers in GraphQL's own shape.
    const body = request.path.endsWith('/graphql') ? undefined : request.body;
    if (urlContainsNul(request.originalUrl) || containsNul(body)) return sendError(request, response, 400, NUL_REFUSED.code, NUL_REFUSED.message);
    next();
  });
  app.use(refuseForgeableGraphql);
  app.useGlobalFilters(new CodedErrorFilter());
}
