import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { answerClientErrors } from './client-error.js';
import { configureServerTimeouts } from './server-timeouts.js';
import { sendError } from './coded-error.filter.js';

/**
 * The routes meant for operators, not for the apps' users: Prometheus metrics and the OpenAPI
 * document with its UI (`SwaggerModule.setup('docs')` serves `/docs`, its assets under `/docs/`,
 * `/docs-json` and `/docs-yaml`), and the GraphQL schema in SDL (`/docs-graphql`, graphql-sdl.ts).
 * Compared as Express routes them — case-insensitively, with or without a trailing slash — and after
 * percent-decoding and collapsing repeated slashes, so that no spelling of one reaches it through the
 * public port.
 */
export function isInternalPath(path: string): boolean {
  const normal = normalisePath(path);
  return normal === '/metrics' || normal === '/docs' || normal.startsWith('/docs/') || normal === '/docs-json' || normal === '/docs-yaml' || normal === '/docs-graphql';
}

function normalisePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape: compare the raw path (Express would not decode it either).
  }
  const collapsed = decoded.toLowerCase().replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

/** Marks the requests that came in on the internal listener (the public one never sets it). */
const VIA_INTERNAL = Symbol('tributary.viaInternalPort');

interface InternalListener {
  readonly server: Server;
  readonly port: number;
}

const listeners = new WeakMap<INestApplication, InternalListener>();

/**
 * Splits the app's HTTP routes over two listeners of the same Express app: the internal routes
 * (`isInternalPath`) only on `port`, everything else only on the app's own port. Either listener
 * answers the other's routes 404 `route_not_found`, exactly as a route no app has, so the public port
 * does not even tell that they exist. Called by `configureHttpEdge` before any route is mounted;
 * `listenApp` starts the internal listener, and it closes with the app's own.
 */
export function separateInternalRoutes(app: INestApplication, port: number): void {
  const handler = app.getHttpAdapter().getInstance() as (request: IncomingMessage, response: ServerResponse) => void;
  const server = createServer((request, response) => {
    (request as IncomingMessage & { [VIA_INTERNAL]?: true })[VIA_INTERNAL] = true;
    handler(request, response);
  });
  answerClientErrors(server);
  configureServerTimeouts(server);
  listeners.set(app, { server, port });
  app.use((request: Request, response: Response, next: NextFunction) => {
    const viaInternal = (request as Request & { [VIA_INTERNAL]?: true })[VIA_INTERNAL] === true;
    if (isInternalPath(request.path) === viaInternal) return next();
    // Nest's own answer for a route it does not have (its not-found handler says the same).
    sendError(request, response, 404, 'route_not_found', `Cannot ${request.method} ${request.originalUrl}`);
  });
  (app.getHttpServer() as Server).once('close', () => {
    if (!server.listening) return;
    server.close();
    server.closeAllConnections();
  });
}

/**
 * Starts the app: the internal listener first when INTERNAL_PORT separated the routes (so that a port
 * taken fails start-up before anything public listens), then the app's own port. Use it instead of
 * `app.listen` wherever an app may have INTERNAL_PORT set.
 */
export async function listenApp(app: INestApplication, port: number, host: string): Promise<void> {
  const internal = listeners.get(app);
  if (internal) {
    await new Promise<void>((resolve, reject) => {
      internal.server.once('error', reject);
      internal.server.listen(internal.port, host, () => {
        internal.server.off('error', reject);
        resolve();
      });
    });
  }
  try {
    await app.listen(port, host);
  } catch (error) {
    internal?.server.close();
    throw error;
  }
}
