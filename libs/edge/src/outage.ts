import { isTributaryError, TributaryError } from '@tributary/domain';

/** What a client is told to wait before retrying a request that failed on an outage (`Retry-After`). */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures reaching a server (Node system errors, also as a driver's `code`). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // mysql2
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
]);

/**
 * PostgreSQL SQLSTATEs of a server that cannot serve now: class 08 (connection exception), 53300
 * (too many connections), 57P01–57P03 (shut down by an administrator, crashed, starting up).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|53300|57P0[123])$/;

/** Errors the drivers raise without a code when their connection is gone (pg, pg-pool, mysql2, ioredis). */
const CONNECTION_LOST = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable$/,
  /^Can't add new command when connection is in closed state/,
  /^Pool is closed/,
  /^Connection is closed/,
];

/** kafkajs errors of a broker that cannot be reached or does not answer. */
const BROKER_UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSLockTimeout',
]);

/**
 * Whether an error means a database or broker this process depends on is unreachable — not that
 * the request is wrong, and not a bug: the caller is answered 503 `unavailable` and may retry. The
 * drivers wrap their errors (TypeORM's `driverError`, `cause`, an AggregateError of the addresses
 * tried), so the chain is followed a few levels.
 */
export function isOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  if (isTributaryError(error)) return error.kind === 'unavailable';
  const { code, name, message, cause, driverError, errors } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    driverError?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (typeof name === 'string' && (BROKER_UNAVAILABLE.has(name) || name === 'MaxRetriesPerRequestError')) return true;
  if (typeof message === 'string' && CONNECTION_LOST.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isOutage(e, depth + 1))) return true;
  return isOutage(driverError, depth + 1) || isOutage(cause, depth + 1);
}

/** The coded error an outage is answered with, on every interface. */
export const unavailable = (): TributaryError =>
  new TributaryError('unavailable', 'unavailable', 'A service this request needs is unavailable; retry later');

/** The error as the platform answers it: itself when coded, `unavailable` for an outage, else undefined (a bug: internal). */
export function codedError(error: unknown): TributaryError | undefined {
  if (isTributaryError(error)) return error;
  return isOutage(error) ? unavailable() : undefined;
}

/**
 * For the places that look a credential up and treat a refusal as "no principal": a refusal
 * (unauthenticated, forbidden, invalid) gives undefined, but an outage or a bug is thrown on — a
 * database failure must not read as a wrong key.
 */
export function noPrincipalUnlessOutage(error: unknown): undefined {
  if (isTributaryError(error) && error.kind !== 'unavailable' && error.kind !== 'internal') return undefined;
  throw codedError(error) ?? error;
}

/** The WebSocket close code of a connection refused on an outage (RFC 6455 registry: Try Again Later). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const TRY_AGAIN_LATER_REASON = 'Service unavailable; try again later';
