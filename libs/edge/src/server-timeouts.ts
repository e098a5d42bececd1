import type { Server } from 'node:http';

/** How long an idle keep-alive connection stays open: longer than the idle timeout of the proxies in front (60 s on most). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Keep-alive that outlives the client's and the proxy's idle timeouts. With Node's default (5 s) a load balancer or
 * a client reusing a connection just as the server closes it gets a reset (ECONNRESET, a 502 at the proxy); the
 * server must be the last to close. `headersTimeout` stays above it, as Node requires.
 */
export function configureServerTimeouts(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
}
