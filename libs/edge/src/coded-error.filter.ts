import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ErrorCode, ErrorKind } from '@tributary/domain';
import { rethrowToTransport } from '@tributary/messaging';
import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { httpExceptionCode } from './graphql-endpoint.js';
import { codedError, noPrincipalUnlessOutage, OUTAGE_RETRY_AFTER_SECONDS } from './outage.js';

export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
  traceId: string;
}

/** Writes the platform's error body — `{ error: { code, message }, traceId }` — with the right status. */
export function sendError(
  request: Request,
  response: Response,
  status: number,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): void {
  const body: ErrorBody = { error: { code, message, ...(details ? { details } : {}) }, traceId: traceIdOf(request) };
  if (status === 503) response.setHeader('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
  response.status(status).json(body);
}

export const traceIdOf = (request: Request): string => (request as Request & { traceId?: string }).traceId ?? '';

/**
 * The app's one exception filter, with a mapping per transport of what it catches: over HTTP, coded
 * domain errors and Nest's own exceptions become the error body; over GraphQL, a `GraphQLError` with
 * `extensions.code`; for message handlers (RPC) the error goes back to the transport unchanged.
 */
@Catch()
export class CodedErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('CodedErrorFilter');

  catch(error: unknown, host: ArgumentsHost): unknown {
    const toTransport = rethrowToTransport(error, host);
    if (toTransport) return toTransport;
    if (host.getType<string>() === 'graphql') return toGraphqlError(error);
    if (host.getType() !== 'http') throw error;
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const coded = codedError(error);
    if (coded) {
      if (coded !== error) this.logger.warn({ err: error, traceId: traceIdOf(request), route: request.path }, 'dependency unavailable');
      return sendError(request, response, STATUS_OF_KIND[coded.kind], coded.code, coded.message, coded.details);
    }
    if (error instanceof HttpException) {
      const { status, code } = httpExceptionCode(error);
      return sendError(request, response, status, code, messageOf(error));
    }
    this.logger.error({ err: error, traceId: traceIdOf(request) }, 'unhandled error');
    return sendError(request, response, HttpStatus.INTERNAL_SERVER_ERROR, 'internal', 'Internal error');
  }
}

const graphqlLogger = new Logger('GraphQL');

/**
 * GraphQL (queries and subscriptions): coded errors carry `extensions.code` (and an outage the
 * HTTP answer's 503 and Retry-After, which Apollo takes from `extensions.http`); anything else is masked.
 */
export function toGraphqlError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const coded = codedError(error);
  if (coded) {
    const status = STATUS_OF_KIND[coded.kind];
    if (coded !== error) graphqlLogger.warn({ err: error }, 'dependency unavailable');
    const http = status === 503 ? { http: { status, headers: new Map([['retry-after', String(OUTAGE_RETRY_AFTER_SECONDS)]]) } } : {};
    return new GraphQLError(coded.message, { extensions: { code: coded.code, status, ...http } });
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    const { status, code } = httpExceptionCode(error);
    return new GraphQLError(messageOf(error), { extensions: { code, status } });
  }
  graphqlLogger.error({ err: error }, 'unhandled error');
  return new GraphQLError('Internal error', { extensions: { code: 'internal', status: 500 } });
}

/**
 * The principal of a GraphQL request's context: undefined for a refused credential (the resolvers
 * then answer `unauthenticated`), but an outage fails the request as `unavailable` — thrown as a
 * GraphQLError, since Apollo answers anything else a context throws with a 500.
 */
export async function graphqlPrincipal<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (error) {
    try {
      return noPrincipalUnlessOutage(error);
    } catch (failure) {
      throw toGraphqlError(failure);
    }
  }
}

function messageOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
}
