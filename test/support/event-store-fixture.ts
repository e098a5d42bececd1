import type { INestApplication } from '@nestjs/common';
import { MessagePublisher } from '@tributary/messaging';
import type { TopicDefinition } from '@tributary/topics';
import { freePort } from '@tributary/database';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, eventually, testSecrets, type TestDatabase } from '@tributary/testing';
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

/**
 * `count` products of a tenant seeded straight into the products projection's table (`SKU-000001`…, stock `i % 5`,
 * a long quoted description): a feed's streaming tests, where publishing that many events would test the pipeline.
 */
export async function seedProducts(store: RunningEventStore, tenantId: string, count: number): Promise<void> {
  await store.dataSource.query(
    `INSERT INTO event_store.products (tenant_id, sku, name, description, price, currency, stock, product_at, product_position)
     SELECT $1, 'SKU-' || lpad(i::text, 6, '0'), 'Product ' || i, repeat('a long, "quoted" description ', 10), '19.90', 'EUR', i % 5, now(), i
       FROM generate_series(1, $2::int) AS i`,
    [tenantId, count],
  );
}

/** A message for a topic, published as a tenant's (its id is the event id). */
export interface TopicMessage {
  readonly topic: TopicDefinition;
  readonly data: object;
  readonly id: string;
}

/** Publishes on topics in one transaction (the transport then delivers them to the event store's consumer). */
export async function publishAs(store: RunningEventStore, tenantId: string, messages: readonly TopicMessage[]): Promise<void> {
  const publisher = store.app.get(MessagePublisher);
  await store.dataSource.transaction((manager) =>
    publisher.publishAll(manager, messages.map((m) => ({ topic: m.topic, data: m.data, origin: { tenantId, id: m.id } }))),
  );
}

/**
 * Waits until every message of the topics `typePrefix` names (`'build.'`) is consumed into the log and every such
 * event of the log is applied by the projection `projection`.
 */
export async function projectedAll(store: RunningEventStore, projection: string, typePrefix: string): Promise<void> {
  await eventually(
    async () => {
      const [{ n }] = await store.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM event_store.events e, event_store.projection_checkpoints c
          WHERE c.name = $1 AND e.type LIKE $2 AND (e.transaction_id, e.position) > (c.transaction_id, c.position)`,
        [projection, `${typePrefix}%`],
      );
      const [{ pending }] = await store.dataSource.query<{ pending: number }[]>(
        `SELECT count(*)::int AS pending FROM messaging.group_partitions g JOIN messaging.topic_partitions p USING (topic, partition)
          WHERE g.group_id = 'event-store' AND g.topic LIKE $1 AND g.committed_offset < p.next_offset`,
        [`${typePrefix}%`],
      );
      return n + pending;
    },
    (n) => n === 0,
    { timeoutMs: 30_000 },
  );
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
