import type { INestApplication } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { DeadLetterQueue, Inbox, MessagePublisher, MessageSigner, NonRetryable, type Envelope, type RetryPolicy } from '@tributary/messaging';
import { eventually } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { kafkaHarness, postgresHarness, startMember, startPublisher, type Handle, type TransportHarness } from './transport-harness.js';

/**
 * The contract every transport keeps, run against each: what the apps rely on, whatever carries
 * their messages.
 */
describe.each([postgresHarness(), kafkaHarness()])('transport contract: $name', (harness: TransportHarness) => {
  let publisher: INestApplication;
  const members: INestApplication[] = [];
  const releases: Array<() => void> = [];
  let run = 0;

  const group = () => `contract-${harness.name}-${run}`;
  // Every test's group starts from the topic's beginning, so each test marks its own messages and
  // its handlers ignore the earlier tests' ones.
  const mark = () => `T${run}-`;
  const mine = (envelope: Envelope<CarrierUpdateReceived>) => envelope.data.trackingId.startsWith(mark());
  const only = (handle: Handle): Handle => async (envelope, attempt) => {
    if (mine(envelope)) await handle(envelope, attempt);
  };
  const update = (trackingId: string, status = 'In Transit'): CarrierUpdateReceived => ({
    trackingId: `${mark()}${trackingId}`,
    carrier: 'dhl',
    status,
    occurredAt: '2026-11-23T10:00:00Z',
  });
  const publish = async (updates: CarrierUpdateReceived[], tenantId = '0190f3b4-0000-7000-8000-00000000000a') => {
    const dataSource = publisher.get(DataSource);
    const bus = publisher.get(MessagePublisher);
    const sent = await dataSource.transaction((manager) =>
      bus.publishAll(manager, updates.map((data) => ({ topic: Topics.carrierUpdateReceived, data, origin: { tenantId } }))),
    );
    return sent as Envelope<CarrierUpdateReceived>[];
  };
  const member = async (handle: Handle, retry?: RetryPolicy) => {
    const app = await startMember(harness, group(), only(handle), retry);
    members.push(app);
    return app;
  };
  /** The effect under test: one row per message, guarded by the inbox in the same transaction. */
  const effectOnce = (app: () => INestApplication, seen: string[]): Handle => async (envelope) => {
    seen.push(envelope.id);
    const dataSource = app().get(DataSource);
    await dataSource.transaction(async (manager) => {
      if (!(await app().get(Inbox).claim(manager, group(), envelope.id))) return;
      await manager.query(`INSERT INTO contract_effects (consumer, message_id) VALUES ($1, $2)`, [group(), envelope.id]);
    });
  };
  const effects = async () =>
    (await publisher.get(DataSource).query(`SELECT message_id FROM contract_effects WHERE consumer = $1`, [group()])).map(
      (r: { message_id: string }) => r.message_id,
    );
  const deadLetters = async () =>
    publisher
      .get(DataSource)
      .query(
        `SELECT message_id, error_code FROM messaging.dead_letters WHERE group_id = $1 AND envelope->'data'->>'trackingId' LIKE $2 ORDER BY id`,
        [group(), `${mark()}%`],
      );
  const deferred = async (): Promise<Array<{ message_id: string; attempts: number; error_code: string | null; due: boolean }>> =>
    publisher
      .get(DataSource)
      .query(
        `SELECT message_id, attempts, error_code, next_attempt_at IS NOT NULL AS due FROM messaging.deferred WHERE group_id = $1 ORDER BY id`,
        [group()],
      );
  const TENANT = '0190f3b4-0000-7000-8000-00000000000a';
  /** Two tracking ids of this test whose messages share a partition (so only per-key waiting lets one pass the other). */
  const samePartition = (): [string, string] => {
    const byPartition = new Map<number, string>();
    for (let n = 0; ; n++) {
      const id = `${mark()}PKG-K${n}`;
      const partition = harness.partitionOf(`${TENANT}:${id}`);
      const other = byPartition.get(partition);
      if (other) return [other.slice(mark().length), id.slice(mark().length)];
      byPartition.set(partition, id);
    }
  };
  const unavailable = () => new TributaryError('unavailable', 'upstream_unavailable', 'carrier API unavailable');

  beforeAll(async () => {
    await harness.setUp();
    publisher = await startPublisher(harness);
    await publisher.get(DataSource).query(`CREATE TABLE contract_effects (consumer text, message_id text)`);
  });

  beforeEach(() => {
    run += 1;
  });

  afterEach(async () => {
    releases.splice(0).forEach((release) => release());
    await Promise.all(members.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await publisher?.close();
    await harness.tearDown();
  });

  it('delivers a published message to the handler of its topic, verified and whole', async () => {
    const received: Envelope<CarrierUpdateReceived>[] = [];
    await member(async (envelope) => void received.push(envelope));
    const [sent] = await publish([update('PKG-ROUND')]);
    await eventually(async () => received, (r) => r.length === 1, { timeoutMs: 30_000 });
    expect(received[0]).toEqual(sent);
    expect(received[0].data).toEqual(update('PKG-ROUND'));
    expect(received[0].data.trackingId).toBe(`T${run}-PKG-ROUND`);
  });

  it('keeps per-key order', async () => {
    // At least once: a message may come again (a relay or group rebalance), but never before an
    // earlier message of its key has been handled. Order is checked on first deliveries.
    const received: Array<[string, string, string]> = [];
    await member(async (e) => void received.push([e.id, e.data.trackingId, e.data.status]));
    const keys = ['PKG-A', 'PKG-B', 'PKG-C', 'PKG-D'].map((k) => `${mark()}${k}`);
    const updates = Array.from({ length: 15 }, (_, i) => keys.map((k) => ({ ...update('', `step-${String(i).padStart(2, '0')}`), trackingId: k }))).flat();
    for (let i = 0; i < updates.length; i += 12) await publish(updates.slice(i, i + 12));
    const firsts = () => [...new Map(received.map(([id, key, status]) => [id, [key, status]] as const)).values()];
    await eventually(async () => firsts().length, (n) => n === updates.length, { timeoutMs: 60_000 });
    for (const key of keys) {
      const steps = firsts()
        .filter(([k]) => k === key)
        .map(([, s]) => s);
      expect(steps).toEqual([...steps].sort());
      expect(steps).toHaveLength(15);
    }
  });

  it('redelivers what a consumer was handling when it died, to another member of its group', async () => {
    const seen: Array<[string, string]> = [];
    const hang = new Promise<void>((resolve) => releases.push(resolve));
    const a = await member(async (envelope) => {
      seen.push(['a', envelope.id]);
      await hang; // a hung process: never acknowledges
    });
    const [sent] = await publish([update('PKG-DIES')]);
    await eventually(async () => seen, (s) => s.length === 1, { timeoutMs: 20_000 });
    a.close().catch(() => undefined); // stops heartbeating; its handler never finishes (how the close ends does not matter)
    members.splice(members.indexOf(a), 1);
    await member(async (envelope) => void seen.push(['b', envelope.id]));
    await eventually(async () => seen, (s) => s.some(([m]) => m === 'b'), { timeoutMs: 30_000 });
    expect(seen).toEqual([
      ['a', sent.id],
      ['b', sent.id],
    ]);
  });

  it('dead-letters a message with a bad signature and never hands it to a handler', async () => {
    const received: string[] = [];
    await member(async (envelope) => void received.push(envelope.data.trackingId));
    const [genuine] = await publish([update('PKG-GENUINE')]);
    const forged = { ...genuine, id: '0190f3b4-0000-7000-8000-0000000000ff', data: { ...genuine.data, trackingId: `${mark()}PKG-FORGED` } };
    await harness.injectRaw(forged);
    const unsigned = { ...genuine, id: '0190f3b4-0000-7000-8000-0000000000fe', signature: undefined, data: { ...genuine.data, trackingId: `${mark()}PKG-UNSIGNED` } };
    await harness.injectRaw(unsigned);
    const foreignKey = new MessageSigner({ active: { id: 'contract-k1', secret: 'another secret' } }).sign({
      ...genuine,
      id: '0190f3b4-0000-7000-8000-0000000000fd',
      data: { ...genuine.data, trackingId: `${mark()}PKG-OTHER-KEY` },
    });
    await harness.injectRaw(foreignKey);
    await publish([update('PKG-AFTER')]);

    await eventually(deadLetters, (rows) => rows.length === 3, { timeoutMs: 20_000 });
    await eventually(async () => received, (r) => r.includes(`${mark()}PKG-AFTER`) && r.includes(`${mark()}PKG-GENUINE`), { timeoutMs: 30_000 });
    expect([...new Set(received)].sort()).toEqual([`${mark()}PKG-AFTER`, `${mark()}PKG-GENUINE`]);
    expect((await deadLetters()).map((d: { message_id: string; error_code: string }) => [d.message_id, d.error_code]).sort()).toEqual(
      [forged.id, unsigned.id, foreignKey.id].sort().map((id) => [id, 'signature_invalid']),
    );
  });

  it('shares partitions between two instances of an app, each message taking effect once', async () => {
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a: INestApplication = await member(effectOnce(() => a, seenA));
    const b: INestApplication = await member(effectOnce(() => b, seenB));
    // Probe until both members are handling messages: the group has settled on sharing.
    let probe = 0;
    await eventually(
      async () => {
        await publish(Array.from({ length: 8 }, () => update(`PKG-PROBE-${probe++}`)));
        return seenA.length > 0 && seenB.length > 0;
      },
      (shared) => shared,
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    const sent = await publish(Array.from({ length: 40 }, (_, i) => update(`PKG-SHARE-${i}`)));
    const ids = sent.map((e) => e.id);
    await eventually(effects, (rows) => ids.every((id) => rows.includes(id)), { timeoutMs: 30_000 });
    const all = await effects();
    expect(new Set(all).size).toBe(all.length);
    expect(seenA.filter((id) => ids.includes(id)).length + seenB.filter((id) => ids.includes(id)).length).toBeGreaterThanOrEqual(40);
  });

  it('takes effect once when the same message is delivered again', async () => {
    const seen: string[] = [];
    const a: INestApplication = await member(effectOnce(() => a, seen));
    const [sent] = await publish([update('PKG-TWICE')]);
    // Kafka: the new member's first assignment may wait out the previous tests' rebalances (~10 s on the test broker).
    await eventually(effects, (rows) => rows.length === 1, { timeoutMs: 30_000 });
    // A redelivery, as after a crash between the effect and the offset commit:
    await harness.injectRaw(sent);
    await harness.injectRaw(sent);
    await eventually(async () => seen.filter((id) => id === sent.id).length, (n) => n >= 3, { timeoutMs: 30_000 });
    expect(await effects()).toEqual([sent.id]);
  });

  it('keeps a retry\'s attempts and next attempt in the database, so a restarted consumer carries on counting', async () => {
    const seen: Array<[string, number]> = [];
    const retry = { maxAttempts: 20, baseDelayMs: 300, maxDelayMs: 600 };
    const a = await member(async (_, attempt) => {
      seen.push(['a', attempt]);
      throw unavailable();
    }, retry);
    const [sent] = await publish([update('PKG-RESTART')]);
    await eventually(async () => seen.length, (n) => n >= 2, { timeoutMs: 20_000 });
    await a.close();
    members.splice(members.indexOf(a), 1);

    // Only the database remembers the message now: its partition moved past it on the first failure.
    const [row] = await deferred();
    expect(row).toEqual({ message_id: sent.id, attempts: seen.length, error_code: 'upstream_unavailable', due: true });
    const before = seen.length;
    await member(async (envelope, attempt) => void seen.push([envelope.id === sent.id ? 'b' : 'b-other', attempt]), retry);
    await eventually(async () => seen.filter(([m]) => m === 'b').length, (n) => n === 1, { timeoutMs: 30_000 });
    expect(seen).toEqual([...Array.from({ length: before }, (_, i) => ['a', i + 1]), ['b', before + 1]]);
    await eventually(deferred, (rows) => rows.length === 0);
    expect(await deadLetters()).toEqual([]);
  });

  it('holds later messages of a retrying key back while other keys flow, dead-letters the poison with its error, attempts and envelope, and redrives it', async () => {
    const [poisoned, other] = samePartition();
    const handled: string[] = [];
    const notes: Record<string, boolean> = {};
    let fixed = false;
    let otherSeen!: () => void;
    const otherHandled = new Promise<void>((resolve) => (otherSeen = resolve));
    await member(
      async (envelope, attempt) => {
        const { trackingId, status } = envelope.data;
        if (status === 'poison' && !fixed) {
          // From the second attempt on, fail only once the other key got through: if the transport
          // held the partition (or the key's messages) during retries, this would never resolve.
          if (attempt >= 2) await otherHandled;
          throw unavailable();
        }
        if (status === 'other') {
          notes.otherWhilePoisonRetried = (await deferred()).some((d) => d.message_id === poison.id);
          otherSeen();
        }
        if (status === 'after') notes.afterOnlyOncePoisonDead = (await deadLetters()).length === 1;
        handled.push(`${trackingId.slice(mark().length)}/${status}`);
      },
      { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 },
    );
    const [poison] = await publish([update(poisoned, 'poison')]);
    await eventually(deferred, (rows) => rows.some((d) => d.message_id === poison.id), { timeoutMs: 20_000 });
    await publish([update(poisoned, 'after'), update(other, 'other')]);

    await eventually(async () => handled, (h) => h.includes(`${poisoned}/after`), { timeoutMs: 30_000 });
    expect(handled).toEqual([`${other}/other`, `${poisoned}/after`]);
    expect(notes).toEqual({ otherWhilePoisonRetried: true, afterOnlyOncePoisonDead: true });

    const dlq = new DeadLetterQueue();
    const dataSource = publisher.get(DataSource);
    const letter = (await dlq.list(dataSource, { group: group() })).find((l) => l.messageId === poison.id)!;
    expect(letter).toMatchObject({ messageId: poison.id, errorCode: 'upstream_unavailable', errorMessage: 'carrier API unavailable', attempts: 3, status: 'dead' });
    expect((await dlq.get(dataSource, letter.id)).envelope).toEqual(poison);

    fixed = true;
    await dataSource.transaction((manager) => dlq.redrive(manager, letter.id));
    await eventually(async () => handled, (h) => h.includes(`${poisoned}/poison`), { timeoutMs: 30_000 });
    await eventually(async () => (await dlq.get(dataSource, letter.id)).status, (status) => status === 'resolved');
    expect(handled).toEqual([`${other}/other`, `${poisoned}/after`, `${poisoned}/poison`]);
    await expect(dataSource.transaction((manager) => dlq.redrive(manager, letter.id))).rejects.toMatchObject({ code: 'dead_letter_not_dead' });
  });

  it('dead-letters a NonRetryable failure at once, without retrying it', async () => {
    const attempts: number[] = [];
    await member(async (envelope, attempt) => {
      attempts.push(attempt);
      if (envelope.data.status === 'reject') throw new NonRetryable('carrier_payload_invalid', 'The carrier does not know this parcel');
    });
    const [rejected] = await publish([update('PKG-REJECT', 'reject')]);
    await publish([update('PKG-REJECT', 'later')]);
    await eventually(async () => attempts.length, (n) => n === 2, { timeoutMs: 20_000 });
    expect(await deadLetters()).toEqual([{ message_id: rejected.id, error_code: 'carrier_payload_invalid' }]);
    expect(attempts).toEqual([1, 1]);
    expect(await deferred()).toEqual([]);
  });
});
