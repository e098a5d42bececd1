import { mkdirSync } from 'node:fs';
import { PGliteUnitQueue } from './pglite-unit-queue.js';

export interface EmbeddedPostgres {
  /** A `postgres://` URL the ordinary `pg` driver connects to. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the data lives; omit for a throw-away in-memory database. */
  readonly dataDir?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

/**
 * PostgreSQL in this process (PGlite), served over a local socket so the apps use the same `pg`
 * driver and SQL as against a real server (with our `PGliteUnitQueue`, see there why). One session serves every connection: a transaction
 * holds the others back until it ends, so code must never wait on a second connection while
 * inside a transaction (it would deadlock here, and is a bug anywhere).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Loaded here, not with the module: the apps import this library in production too, where PGlite
  // is never started (its code cost every app about 6 MB of resident memory).
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const port = options.port || (await freePort());
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 200 });
  (server as unknown as { queryQueue: PGliteUnitQueue }).queryQueue = new PGliteUnitQueue(db);
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (for servers that must know their port before listening). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
