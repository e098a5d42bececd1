import { Logger } from '@nestjs/common';
import { CommitSignalSubscriber } from '@tributary/database';
import { createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createEnvelope } from '../envelope/envelope.js';
import { CrossProcessWakeup, THIS_PROCESS, wokenSlot } from './cross-process-wakeup.js';
import { messagingMigrations } from '../messaging.migrations.js';
import { MESSAGES_CHANNEL, PostgresMessageLog } from './postgres-message-log.js';

const topic = Topics.carrierUpdateReceived;
const envelope = (trackingId: string) =>
  createEnvelope(topic, { trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-12-06T10:00:00Z' }, { source: 'test', tenantId: 'tenant-1' });

/**
 * The message log's wake-up of other processes: a NOTIFY on `tributary_messages` with the topic,
 * sent once the appending transaction committed (never inside it, never for a rollback), and one
 * for a burst of appends rather than one each.
 */
describe('CrossProcessWakeup (a real PostgreSQL LISTEN)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let listener: pg.Client;
  let log: PostgresMessageLog;
  let wakeup: CrossProcessWakeup;
  const received: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: db.url, migrations: messagingMigrations, subscribers: [CommitSignalSubscriber] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    wakeup = new CrossProcessWakeup(dataSource, MESSAGES_CHANNEL, new Logger('test'));
    log = new PostgresMessageLog(4, wakeup);
    await log.provision(dataSource, [topic.name]);
    listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => received.push(n.payload ?? ''));
    await listener.query(`LISTEN ${MESSAGES_CHANNEL}`);
  });

  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('notifies the partition written to once the append committed, not while the transaction is open', async () => {
    received.length = 0;
    await dataSource.transaction(async (manager) => {
      await log.append(manager, [envelope('W-1')]);
      await wakeup.flushed();
      // Nothing sent while the transaction is open (a NOTIFY from a connection of its own would arrive at once).
      await listener.query('SELECT 1');
      expect(received).toEqual([]);
    });
    await eventually(async () => received.length, (n) => n > 0);
    expect(received).toEqual([expect.stringMatching(new RegExp(`^${THIS_PROCESS} ${topic.name.replaceAll('.', '\\.')}#[0-3]$`))]);
  });

  it('sends nothing for an append that rolled back', async () => {
    received.length = 0;
    await expect(
      dataSource.transaction(async (manager) => {
        await log.append(manager, [envelope('W-2')]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // A committed append after it: its wake-up arriving proves the rolled-back one had its chance.
    await log.append(dataSource, [envelope('W-3')]);
    await eventually(async () => received.length, (n) => n > 0);
    expect(received).toEqual([expect.stringMatching(new RegExp(`^${THIS_PROCESS} ${topic.name.replaceAll('.', '\\.')}#[0-3]$`))]);
  });

  it('coalesces a burst of appends: fewer notifications than appends', async () => {
    received.length = 0;
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(dataSource, [envelope(`B-${i}`)])));
    await wakeup.flushed();
    await eventually(async () => received.length, (n) => n > 0);
    await listener.query('SELECT 1');
    expect(received.every((payload) => payload.startsWith(`${THIS_PROCESS} ${topic.name}#`))).toBe(true);
    expect(received.length).toBeLessThan(50);
  });

  it("reads a payload's partition, and skips this process's own", () => {
    expect(wokenSlot(`${THIS_PROCESS} ${topic.name}#3`)).toBeUndefined();
    expect(wokenSlot(`0123abcd ${topic.name}#3`)).toBe(`${topic.name}#3`);
    expect(wokenSlot(topic.name)).toBe(topic.name);
  });
});
