import { randomUUID } from 'node:crypto';
import { migrateDatabase } from '@tributary/database';
import { messagingMigrations, NonRetryable } from '@tributary/messaging';
import { tenancyMigrations } from '@tributary/tenancy';
import { createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { workerMigrations } from '../database/worker.migrations.js';
import { EffectJournal } from './effect-journal.js';
import type { OnceOptions } from '../sdk/integration-handler.js';

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
      throw new NonRetryable('upstream_rejected', 'The server refused the recipient');
    }, options);
    await expect(refused).rejects.toMatchObject({ code: 'upstream_rejected' });

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

/**
 * `once` after an attempt died between its intent and its outcome (its effect never settles here,
 * as in a killed process, and its lease is run out by hand): `onUnknown` decides whether the effect
 * is done again under its identity (at-least-once) or given up (at-most-once).
 */
describe('EffectJournal.once: an attempt that died during its effect', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let journal: EffectJournal;
  const tenantId = randomUUID();

  const rowOf = async (key: string) =>
    (
      await dataSource.query<{ state: string; result: unknown; identity: string | null; repeats: number; reconciled: boolean }[]>(
        `SELECT state, result, identity, repeats, reconciled FROM worker.effects WHERE key = $1`,
        [key],
      )
    )[0];

  /** An attempt that records its intent and dies before its outcome; its lease then runs out. */
  const dieDuring = async (key: string, options: OnceOptions<string>) => {
    let reached = false;
    journal.once(tenantId, key, 'smtp-notification', LEASE_MS, () => ((reached = true), new Promise<string>(() => undefined)), options).catch(() => undefined);
    await eventually(async () => reached, Boolean);
    await dataSource.query(`UPDATE worker.effects SET lease_until = now() - interval '1 second' WHERE key = $1`, [key]);
  };

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

  it('repeat: waits out a live lease, then does the effect again under the same identity, tells it so and counts the repeat', async () => {
    const key = `notify_${randomUUID()}`;
    const repeat = { key, onUnknown: 'repeat', identity: `<${key}@example.test>` } as const;
    let reached = false;
    journal.once(tenantId, key, 'smtp-notification', LEASE_MS, () => ((reached = true), new Promise<string>(() => undefined)), repeat).catch(() => undefined);
    await eventually(async () => reached, Boolean);
    expect(await rowOf(key)).toEqual({ state: 'started', result: null, identity: repeat.identity, repeats: 0, reconciled: false });
    // Within the lease the first attempt may be alive: not repeated yet.
    await expect(journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async () => 'too early', repeat)).rejects.toMatchObject({ code: 'effect_in_progress' });

    await dataSource.query(`UPDATE worker.effects SET lease_until = now() - interval '1 second' WHERE key = $1`, [key]);
    const attempts: boolean[] = [];
    const sent = await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async (_, attempt) => (attempts.push(attempt.repeat), 'sent again'), repeat);
    expect(sent).toBe('sent again');
    expect(attempts).toEqual([true]);
    expect(await rowOf(key)).toEqual({ state: 'done', result: { value: 'sent again' }, identity: repeat.identity, repeats: 1, reconciled: false });

    // Done: a later attempt gets the recorded result and does nothing.
    expect(await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async () => 'a third time', repeat)).toBe('sent again');
    expect(await rowOf(key)).toMatchObject({ state: 'done', repeats: 1 });
  });

  it('repeat: a first attempt that completes is no repeat', async () => {
    const key = `notify_${randomUUID()}`;
    const attempts: boolean[] = [];
    await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async (_, attempt) => (attempts.push(attempt.repeat), 'sent'), {
      key,
      onUnknown: 'repeat',
      identity: '<first@example.test>',
    });
    expect(attempts).toEqual([false]);
    expect(await rowOf(key)).toEqual({ state: 'done', result: { value: 'sent' }, identity: '<first@example.test>', repeats: 0, reconciled: false });
  });

  it('repeat: a repeat that throws leaves the outcome unknown as it was, so the next attempt repeats it and the count stays true', async () => {
    const key = `notify_${randomUUID()}`;
    const repeat = { key, onUnknown: 'repeat', identity: `<${key}@example.test>` } as const;
    await dieDuring(key, repeat);
    const refused = journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async () => {
      throw new NonRetryable('upstream_rejected', 'The server is down');
    }, repeat);
    await expect(refused).rejects.toMatchObject({ code: 'upstream_rejected' });
    expect(await rowOf(key)).toMatchObject({ state: 'started', repeats: 0 });

    const attempts: boolean[] = [];
    expect(await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async (_, attempt) => (attempts.push(attempt.repeat), 'sent again'), repeat)).toBe('sent again');
    expect(attempts).toEqual([true]);
    expect(await rowOf(key)).toMatchObject({ state: 'done', repeats: 1 });
  });

  it('give-up: asks reconcile and records what it answers as the outcome; the effect is not done again', async () => {
    const key = `charge_${randomUUID()}`;
    const reconciled: string[] = [];
    const giveUp: OnceOptions<string> = { key, reconcile: async (k) => (reconciled.push(k), 'given up, unconfirmed') };
    await dieDuring(key, giveUp);
    let done = 0;
    const outcome = await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async () => `charged #${++done}`, giveUp);
    expect(outcome).toBe('given up, unconfirmed');
    expect(done).toBe(0);
    expect(reconciled).toEqual([key]);
    expect(await rowOf(key)).toEqual({ state: 'done', result: { value: 'given up, unconfirmed' }, identity: null, repeats: 0, reconciled: true });
    expect(await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async () => `charged #${++done}`, giveUp)).toBe('given up, unconfirmed');
    expect(done).toBe(0);
  });

  it('give-up: does the effect again, as no repeat, only when reconcile shows it did not happen', async () => {
    const key = `charge_${randomUUID()}`;
    const giveUp: OnceOptions<string> = { key, onUnknown: 'give-up', reconcile: async () => undefined };
    await dieDuring(key, giveUp);
    const attempts: boolean[] = [];
    expect(await journal.once(tenantId, key, 'smtp-notification', LEASE_MS, async (_, attempt) => (attempts.push(attempt.repeat), 'charged'), giveUp)).toBe('charged');
    expect(attempts).toEqual([false]);
    expect(await rowOf(key)).toEqual({ state: 'done', result: { value: 'charged' }, identity: null, repeats: 0, reconciled: false });
  });
});
