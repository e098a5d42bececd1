import type { INestApplication, INestApplicationContext, INestMicroservice } from '@nestjs/common';
import type { Server } from 'node:http';
import { Draining } from './health/draining.js';

/**
 * On SIGTERM or SIGINT: drain and close the app (`drainAndClose`), then exit 0. If that takes longer
 * than `graceMs` (keep it under the orchestrator's grace period), exit 1 so the process never lingers.
 * `afterClose` runs once the app is closed, within the grace (the tracing SDK exports its last spans).
 */
export function exitOnSignals(app: INestApplicationContext, graceMs = 25_000, afterClose?: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`${signal}: shutdown took longer than ${graceMs} ms; exiting\n`);
      process.exit(1);
    }, graceMs);
    deadline.unref();
    drainAndClose(app)
      .then(() => afterClose?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`${signal}: shutdown failed: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * What an app does on SIGTERM, in this order: readiness turns 503 at once; the consumers stop taking
 * messages and finish the one in hand (and commit) while the HTTP listener still answers — probes see
 * 503 for the whole drain rather than a refused connection, and requests in flight complete, each
 * response closing its connection; then the app closes (the listener, the pools). Nest's own `close()`
 * would close the listener before the consumers.
 */
export async function drainAndClose(app: INestApplicationContext): Promise<void> {
  endKeepAlive(app);
  beginDraining(app);
  await closeConsumers(app);
  await app.close();
}

function beginDraining(app: INestApplicationContext): void {
  try {
    app.get(Draining, { strict: false }).begin();
  } catch {
    // An app without the health module has no readiness to turn off.
  }
}

/**
 * Closes the app's consumers (its connected microservices) the way Nest's own shutdown does — flagged
 * as terminated first, so that the shared container's lifecycle hooks run once, from `app.close()`,
 * which closes them again (a no-op by then).
 */
async function closeConsumers(app: INestApplicationContext): Promise<void> {
  const microservices: INestMicroservice[] = (app as Partial<INestApplication>).getMicroservices?.() ?? [];
  await Promise.all(
    microservices.map(async (microservice) => {
      const terminable = microservice as INestMicroservice & { setIsTerminated?(terminated: boolean): void };
      // Without the flag, closing it here would run the lifecycle hooks twice: leave it to app.close().
      if (typeof terminable.setIsTerminated !== 'function') return;
      terminable.setIsTerminated(true);
      await terminable.close();
    }),
  );
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
