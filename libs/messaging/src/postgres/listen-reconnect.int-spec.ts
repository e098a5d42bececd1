import { CommitSignalSubscriber } from '@tributary/database';
import { createTestDatabase, eventually, startTcpProxy, type TcpProxy, type TestDatabase } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { messagingMigrations } from '../messaging.migrations.js';
import { PostgresGroupConsumer } from './postgres-group-consumer.js';
import { PostgresMessageLog } from './postgres-message-log.js';

/**
 * A consumer's LISTEN connection (cross-process wake-ups) comes back after the server was
 * unreachable, however many attempts fail meanwhile — not just after the first one.
 */
describe('postgres group consumer: the LISTEN connection is restored after an outage', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let dataSource: DataSource;
  let consumer: PostgresGroupConsumer;
  const LEASE_MS = 400;
  const warnings: string[] = [];
  const failedAttempts = () => warnings.filter((w) => w.startsWith('LISTEN not restored')).length;

  /** The consumer's listening connection (the only one in this database). */
  const listening = async () =>
    Number(
      (
        await dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN tributary_messages' AND state = 'idle'`,
        )
      )[0].n,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: db.url, migrations: messagingMigrations, subscribers: [CommitSignalSubscriber] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    const server = new URL(db.url);
    proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    const log = new PostgresMessageLog(2);
    consumer = new PostgresGroupConsumer(
      { dataSource, group: 'listen-test', log, listenUrl: proxy.via(db.url), leaseMs: LEASE_MS, pollIntervalMs: 60_000 },
      [Topics.carrierUpdateReceived.name],
      { each: async () => undefined },
      { log: () => undefined, error: () => undefined, warn: (message: string) => void warnings.push(message) },
    );
    await consumer.start();
  });

  afterAll(async () => {
    proxy?.restore();
    await consumer?.close();
    await proxy?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('listens again once the server is back, after failed attempts', async () => {
    await eventually(listening, (n) => n === 1);
    proxy.cut();
    await eventually(listening, (n) => n === 0);
    // Reconnect attempts (every half lease) fail while the proxy refuses: two of them, at least.
    await eventually(async () => failedAttempts(), (n) => n >= 2);
    proxy.restore();
    await eventually(listening, (n) => n === 1, { timeoutMs: 10_000 });
  });
});
