import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { continueTrace } from '@tributary/messaging';
import { AppLogger } from '@tributary/observability';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApiRootConfig } from './api-root.config.js';
import { ApiRootModule } from './api-root.module.js';
import { graphqlOverHttp } from './graphql/graphql-http.js';
import { rootValidationRules } from './graphql/root-validation.js';
import { GraphqlWsServer } from './graphql/graphql-ws-proxy.js';
import { StitchedSchema } from './graphql/stitched-schema.js';
import { OpenApiComposition } from './openapi/openapi-composition.js';
import { restProxy } from './rest-proxy/rest-proxy.js';
import { UpstreamApps } from './upstream-apps.js';

/**
 * The composed API (platformatic's runtime root): `/docs-json` (the four OpenAPI documents as one),
 * `/<app>/<path>` proxied to the app, `/graphql` (HTTP and graphql-ws) on the stitched schema.
 * No body is parsed on the proxied paths: the app receives the bytes the caller sent.
 */
export async function createApiRootApp(config: ApiRootConfig): Promise<INestApplication> {
  const app = await NestFactory.create(ApiRootModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  // Structured logs labelled api-root, as the apps' are (in the standalone process, Nest's own lines included).
  app.useLogger(app.get(AppLogger));
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  const apps = app.get(UpstreamApps);
  const schema = app.get(StitchedSchema);
  const rules = rootValidationRules(config);
  app.use((request: Request, response: Response, next: NextFunction) => {
    const trace = continueTrace(request.header('traceparent'));
    Object.assign(request, trace);
    // The trace goes on to the app (which answers with its x-trace-id); the root's own answers carry this one.
    request.headers.traceparent = trace.traceparent;
    response.setHeader('x-trace-id', trace.traceId);
    next();
  });
  app.use(restProxy(apps, app.get(OpenApiComposition), config.UPSTREAM_TIMEOUT_MS));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    (request: Request, response: Response, next: NextFunction) => (request.method === 'POST' ? graphqlOverHttp(schema, rules)(request, response, next) : next()),
    // A body the JSON parser refuses: answered in GraphQL's shape, as Apollo answers it on the apps.
    (error: { status?: number; message?: string }, _request: Request, response: Response, next: NextFunction) => {
      if (!error.status || error.status >= 500) return next(error);
      response.status(error.status).json({ errors: [{ message: error.message ?? 'Malformed request', extensions: { code: 'BAD_REQUEST' } }] });
    },
  );
  app.get(GraphqlWsServer).listen(app.getHttpServer() as Server, schema, apps.byPrefix('change-sink')!, rules);
  await app.init();
  return app;
}
