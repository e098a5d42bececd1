import { randomUUID } from 'node:crypto';
import { migrateDatabase } from '@tributary/database';
import { messagingMigrations, NonRetryable } from '@tributary/messaging';
import { tenancyMigrations } from '@tributary/tenancy';
import { createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { workerMigrations } from '../database/worker.migrations.js';
import { EffectJournal } from './effect-journal.js';

const LEASE_MS = 30_000;

/**
 * `once` on a real database: an effect that throws did not happen (or failed for good), so it leaves
 * no intent behind — a later attempt does it again at once, neither waiting for a lease nor asking
 * `reconcile`, which is for an attempt that died between its intent and its outcome.
 */
describe('EffectJournal.once: an effect that throws', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let journal: EffectJournal;
  const tenantId = randomUUID();
  let reconciled: string[];
  const options = { reconcile: async (key: string) => void reconciled.push(key) as undefined };

  const rowOf = async (key: string) =>
    (await dataSource.query<{ state: string; result: unknown }[]>(`SELECT state, result FROM worker.effects WHERE key = $1`, [key]))[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase({ url: db.url, migrations: [...messagingMigrations, ...tenancyMigrations, ...workerMigrations] });
    dataSource = await new DataSource({ type: 'postgres', url: db.url, extra: { max: 4 } }).initialize();
    journal = new EffectJournal(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => {
    reconciled = [];
  });

  it('rethrows its error and releases its intent: the next attempt does the effect again and records it done', async () => {
    const key = `trb_${randomUUID()}`;
    const refused = journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async () => {
      throw new NonRetryable('recipient_refused', 'The server refused the recipient');
    }, options);
    await expect(refused).rejects.toMatchObject({ code: 'recipient_refused' });

    let done = 0;
    const again = await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async () => `sent #${++done}`, options);
    expect(again).toBe('sent #1');
    expect(reconciled).toEqual([]);
    expect(await rowOf(key)).toEqual({ state: 'done', result: { value: 'sent #1' } });
  });

  it('leaves the intent of the attempt that took over after its lease ran out', async () => {
    const key = `trb_${randomUUID()}`;
    let failFirst: ((error: Error) => void) | undefined;
    const first = journal.once(tenantId, key, 'call', LEASE_MS, () => new Promise<string>((_, reject) => (failFirst = reject)), options);
    await eventually(async () => failFirst, Boolean);
    // The first attempt outlives its lease (as if its process had stalled): a second one reconciles and takes over.
    await dataSource.query(`UPDATE worker.effects SET lease_until = now() - interval '1 second' WHERE key = $1`, [key]);
    let finishSecond: ((result: string) => void) | undefined;
    const second = journal.once(tenantId, key, 'call', LEASE_MS, () => new Promise<string>((resolve) => (finishSecond = resolve)), options);
    await eventually(async () => finishSecond, Boolean);
    expect(reconciled).toEqual([key]);

    failFirst!(new Error('connection reset'));
    await expect(first).rejects.toThrow('connection reset');
    expect(await rowOf(key)).toEqual({ state: 'started', result: null });
    finishSecond!('called');
    expect(await second).toBe('called');
    expect(await rowOf(key)).toEqual({ state: 'done', result: { value: 'called' } });
  });
});
