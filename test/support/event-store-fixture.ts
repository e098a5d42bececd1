import type { INestApplication } from '@nestjs/common';
import { freePort } from '@tributary/database';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, testSecrets, type TestDatabase } from '@tributary/testing';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { createEventStoreApp } from '../../apps/event-store/src/event-store.app.js';
import { loadEventStoreConfig } from '../../apps/event-store/src/event-store.config.js';
import type { EventStorePlugin } from '../../apps/event-store/src/plugins/event-store-plugin.js';

export interface RunningEventStore {
  readonly app: INestApplication;
  readonly url: string;
  readonly databaseUrl: string;
  readonly dataSource: DataSource;
  /** Stops the app (the database stays, for a restart). */
  close(): Promise<void>;
}

export interface EventStoreFixture {
  readonly db: TestDatabase;
  /** The signing and encryption keys the event store runs with (to sign messages for it). */
  readonly secrets: Record<string, string>;
  /**
   * Boots the event store on the fixture's database (several times, for restarts). With `logs`, it
   * logs at debug level into them (silent otherwise).
   */
  start(env?: Record<string, string>, plugins?: readonly EventStorePlugin[], logs?: DestinationStream): Promise<RunningEventStore>;
  /** A tenant and its owner API key, made directly in the database. */
  tenant(dataSource: DataSource, name: string): Promise<{ id: string; apiKey: string }>;
  adminKey(dataSource: DataSource): Promise<string>;
  drop(): Promise<void>;
}

/** One test database and the event store booted on it, listening on a free port. */
export async function eventStoreFixture(): Promise<EventStoreFixture> {
  const db = await createTestDatabase();
  const secrets = testSecrets();
  const running: RunningEventStore[] = [];
  return {
    db,
    secrets,
    async start(env = {}, plugins, logs) {
      const port = await freePort();
      const config = loadEventStoreConfig({ DATABASE_URL: db.url, LOG_LEVEL: logs ? 'debug' : 'silent', PORT: String(port), ...secrets, ...env });
      const app = await createEventStoreApp(config, { plugins, logDestination: logs });
      await app.listen(port, '127.0.0.1');
      await app.startAllMicroservices();
      let closed = false;
      const store: RunningEventStore = {
        app,
        url: `http://127.0.0.1:${port}`,
        databaseUrl: db.url,
        dataSource: app.get(DataSource),
        async close() {
          if (closed) return;
          closed = true;
          await app.close();
        },
      };
      running.push(store);
      return store;
    },
    async tenant(dataSource, name) {
      const created = await dataSource.transaction((manager) => new Tenants(new ApiKeys()).create(manager, name));
      return { id: created.id, apiKey: created.apiKey };
    },
    async adminKey(dataSource) {
      return (await new ApiKeys().issue(dataSource, 'platform_admin', null, 'test admin')).key;
    },
    async drop() {
      for (const store of running) await store.close();
      await db.drop();
    },
  };
}
