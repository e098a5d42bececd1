import type { NextFunction, Request, Response } from 'express';
import { sendError } from './coded-error.filter.js';

/** Apollo's CSRF prevention (kept on: `csrfPrevention` defaults to true), as preventCsrf.js has it. */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/**
 * A request a browser could send cross-site without a preflight (no content type or a form's, and
 * none of the preflight headers) is refused by Apollo with its own body; refused here first, with
 * the same rule, in the platform's error format. A GET asking for HTML is left to Apollo: its
 * landing page (GraphiQL outside production) is served before its check.
 */
export function refuseForgeableGraphql(request: Request, response: Response, next: NextFunction): void {
  if (!request.path.endsWith('/graphql') || !forgeable(request) || wantsLandingPage(request)) return next();
  const message =
    'Refused as a possible cross-site request forgery: send content-type: application/json, or a non-empty apollo-require-preflight or x-apollo-operation-name header';
  sendError(request, response, 400, 'csrf_refused', message);
}

function forgeable(request: Request): boolean {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !SIMPLE_CONTENT_TYPES.has(contentType.split(';')[0]!.trim().toLowerCase())) return false;
  return !PREFLIGHT_HEADERS.some((name) => String(request.headers[name] ?? '').length > 0);
}

const wantsLandingPage = (request: Request): boolean =>
  request.method === 'GET' && request.accepts(['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html']) === 'text/html';
