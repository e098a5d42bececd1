import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Server } from 'node:http';

/**
 * On SIGTERM or SIGINT: close the app — readiness turns false, consumers finish the message in hand
 * and commit, connections close — then exit 0. If that takes longer than `graceMs` (keep it under
 * the orchestrator's grace period), exit 1 so the process never lingers.
 */
export function exitOnSignals(app: INestApplicationContext, graceMs = 25_000): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`${signal}: shutdown took longer than ${graceMs} ms; exiting\n`);
      process.exit(1);
    }, graceMs);
    deadline.unref();
    try {
      endKeepAlive(app);
      await app.close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`${signal}: shutdown failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * Closing an HTTP server waits for its connections to end, and a client that keeps a connection
 * alive with request after request never ends it: under load the drain would last until the grace
 * period runs out. So from now on every response closes its connection (after answering it), and
 * idle connections close at once; in-flight requests still complete.
 */
function endKeepAlive(app: INestApplicationContext): void {
  const server = (app as Partial<INestApplication>).getHttpServer?.() as Server | undefined;
  if (!server || typeof server.prependListener !== 'function') return;
  server.prependListener('request', (_request, response) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  });
  server.closeIdleConnections();
}
