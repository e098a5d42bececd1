import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { sendError } from '@tributary/edge';
import { isTributaryError } from '@tributary/domain';
import type { NextFunction, Request, Response } from 'express';
import type { OpenApiComposition } from '../openapi/openapi-composition.js';
import { unreachable } from '../openapi/openapi-composition.js';
import type { UpstreamApp, UpstreamApps } from '../upstream-apps.js';

/** Headers of one hop (RFC 9110 §7.6.1): never passed on. `host` is the app's own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

const passedOn = (headers: IncomingHttpHeaders): IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));

/**
 * `/<app>/<path>` → the app's `<path>`, for a path the app's OpenAPI document declares: method, query,
 * headers (Authorization included) and body go as they came, status, headers and body come back as the
 * app gave them. The body is streamed, never parsed here: what the app refuses, it refuses itself.
 * An app that does not answer is 502 `app_unreachable`; a path no app declares, 404 `route_not_found`.
 */
export function restProxy(apps: UpstreamApps, composition: OpenApiComposition, timeoutMs: number) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const [, prefix = '', ...rest] = request.path.split('/');
    const app = apps.byPrefix(prefix);
    if (!app) return next();
    const path = `/${rest.join('/')}`;
    composition.documentOf(app).then(
      ({ templates }) => {
        if (!templates.matches(path)) return sendError(request, response, 404, 'route_not_found', `The ${app.prefix} app has no route ${path}`);
        forward(request, response, app, timeoutMs);
      },
      (error: unknown) => {
        if (!isTributaryError(error)) return next(error);
        sendError(request, response, 502, error.code, error.message);
      },
    );
  };
}

function forward(request: Request, response: Response, app: UpstreamApp, timeoutMs: number): void {
  const url = new URL(app.url);
  const query = request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?')) : '';
  const target = `${url.pathname.replace(/\/$/, '')}${request.originalUrl.slice(app.prefix.length + 1).split('?')[0]}${query}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(
    { protocol: url.protocol, hostname: url.hostname, port: url.port, method: request.method, path: target, headers: passedOn(request.headers), timeout: timeoutMs },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, passedOn(answer.headers));
      answer.pipe(response);
    },
  );
  upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
  upstream.on('error', () => {
    // Once the app's answer has begun, it is the answer (cut short): only a refused or silent app is the root's to answer.
    if (response.headersSent) return response.destroy();
    const error = unreachable(app, `${request.method} ${request.originalUrl.slice(app.prefix.length + 1)}`);
    sendError(request, response, 502, error.code, error.message);
  });
  request.pipe(upstream);
}
