import type { INestApplication } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import {
  DeadLetterQueue,
  Inbox,
  MessagePublisher,
  MessageSigner,
  NonRetryable,
  queueHeadersOf,
  type Envelope,
  type QueueOptions,
  type RetryPolicy,
} from '@tributary/messaging';
import { eventually } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { CONTRACT_KEYS, kafkaHarness, postgresHarness, startMember, startPublisher, type Handle, type TransportHarness } from './transport-harness.js';

/**
 * The contract every transport keeps, run against each: what the apps rely on, whatever carries
 * their messages.
 */
describe.each([postgresHarness(), kafkaHarness()])('transport contract: $name', (harness: TransportHarness) => {
  let publisher: INestApplication;
  const members: INestApplication[] = [];
  const releases: Array<() => void> = [];
  let run = 0;

  const TENANT = '0190f3b4-0000-7000-8000-00000000000a';
  const group = () => `contract-${harness.name}-${run}`;
  // Every test's group starts from the topic's beginning, so each test marks its own messages and
  // its handlers ignore the earlier tests' ones.
  const mark = () => `T${run}-`;
  const mine = (envelope: Envelope<CarrierUpdateReceived>) => envelope.data.trackingId.startsWith(mark());
  const only = (handle: Handle): Handle => async (envelope, attempt, path) => {
    if (mine(envelope)) await handle(envelope, attempt, path);
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
  /** Publishes messages with queue headers, in one transaction. */
  const publishQueued = async (items: Array<[CarrierUpdateReceived, QueueOptions]>, tenantId = TENANT) => {
    const dataSource = publisher.get(DataSource);
    const bus = publisher.get(MessagePublisher);
    const sent = await dataSource.transaction((manager) =>
      bus.publishAll(manager, items.map(([data, queue]) => ({ topic: Topics.carrierUpdateReceived, data, origin: { tenantId, queue } }))),
    );
    return sent as Envelope<CarrierUpdateReceived>[];
  };
  /** Starts a member and waits until it handles a probe of this test (on Kafka, its group's first assignment can take a while). */
  const consuming = async (handle: Handle, retry?: RetryPolicy, batches = false) => {
    let probed = false;
    const app = await member(
      async (envelope, attempt, path) => {
        if (envelope.data.status === 'probe') probed = true;
        else await handle(envelope, attempt, path);
      },
      retry,
      batches,
    );
    // A probe per call (the previous member of the group may have been handed one already).
    await publish([update(`PKG-PROBE-${members.length}`, 'probe')]);
    await eventually(async () => probed, (p) => p, { timeoutMs: 30_000 });
    return app;
  };
  const stop = async (app: INestApplication) => {
    members.splice(members.indexOf(app), 1);
    await app.close();
  };
  const member = async (handle: Handle, retry?: RetryPolicy, batches = false) => {
    const app = await startMember(harness, group(), only(handle), retry, batches);
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
  const dlqOf = async (messageId: string) => {
    const rows = await eventually(
      async () => (await new DeadLetterQueue().list(publisher.get(DataSource), { group: group() })).filter((l) => l.messageId === messageId),
      (r) => r.length === 1,
      { timeoutMs: 30_000 },
    );
    return rows[0];
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
  describe('queue headers', () => {
    const short = (e: Envelope<CarrierUpdateReceived>) => `${e.data.trackingId.slice(mark().length)}/${e.data.status}`;
    /** A handler that ignores the probes `consuming` sends (a restarted member may see one again). */
    const noProbe = (handle: Handle): Handle => async (envelope, attempt, path) => {
      if (envelope.data.status !== 'probe') await handle(envelope, attempt, path);
    };

    it('carries every queue attribute through the transport, signed and verified', async () => {
      const received: Envelope<CarrierUpdateReceived>[] = [];
      await member(async (envelope) => void received.push(envelope));
      const queue: QueueOptions = {
        priority: 3,
        ttlMs: 3_600_000,
        notBefore: new Date(Date.now() - 1_000),
        replyTo: 'contract.replies',
        inReplyTo: '0190f3b4-0000-7000-8000-0000000000aa',
        routingKey: 'eu.parcels',
        headers: { region: 'eu', 'x-carrier': 'dhl' },
      };
      const [sent] = await publishQueued([[update('PKG-HEADERS'), queue]]);
      await eventually(async () => received, (r) => r.length === 1, { timeoutMs: 30_000 });
      expect(received[0]).toEqual(sent);
      expect(queueHeadersOf(received[0])).toEqual({
        priority: 3,
        notBefore: new Date(sent.notbefore!),
        expiresAt: new Date(sent.expires!),
        replyTo: 'contract.replies',
        inReplyTo: '0190f3b4-0000-7000-8000-0000000000aa',
        routingKey: 'eu.parcels',
        headers: { region: 'eu', 'x-carrier': 'dhl' },
      });
    });

    it('refuses bad queue headers at publish, storing nothing of the batch', async () => {
      const stored = async () =>
        Number(
          (
            await publisher
              .get(DataSource)
              .query(`SELECT count(*) AS n FROM messaging.messages WHERE envelope->'data'->>'trackingId' LIKE $1`, [`${mark()}%`])
          )[0].n,
        );
      for (const queue of [{ priority: 10 }, { headers: { 'Bad Name': 'x' } }, { ttlMs: -5 }, { replyTo: 'not a topic' }] as QueueOptions[]) {
        await expect(publishQueued([[update('PKG-GOOD'), {}], [update('PKG-BAD'), queue]])).rejects.toMatchObject({ code: 'queue_header_invalid', kind: 'invalid' });
      }
      expect(await stored()).toBe(0);
    });

    it('dead-letters a signed envelope whose queue attribute is ill-formed, as a bad envelope', async () => {
      const received: string[] = [];
      await member(async (envelope) => void received.push(short(envelope)));
      const [genuine] = await publish([update('PKG-OK')]);
      const signer = new MessageSigner(CONTRACT_KEYS);
      const { signature: _, ...unsigned } = genuine;
      const illFormed = signer.sign({ ...unsigned, id: '0190f3b4-0000-7000-8000-0000000000ee', priority: 12, data: { ...genuine.data, trackingId: `${mark()}PKG-ILL` } });
      await harness.injectRaw(illFormed);
      await publish([update('PKG-ILL', 'after')]);
      await eventually(async () => received, (r) => r.includes('PKG-ILL/after') && r.includes('PKG-OK/In Transit'), { timeoutMs: 30_000 });
      await eventually(deadLetters, (rows) => rows.length === 1);
      expect(await deadLetters()).toEqual([{ message_id: illFormed.id, error_code: 'queue_header_invalid' }]);
      expect([...new Set(received)].sort()).toEqual(['PKG-ILL/after', 'PKG-OK/In Transit']);
    });

    it('holds a not-before message durably across a restart, its key\'s later messages behind it, while other keys flow', async () => {
      const [delayedKey, otherKey] = samePartition();
      const handled: Array<[string, number, number]> = [];
      const handle: Handle = noProbe(async (envelope, attempt) => void handled.push([short(envelope), attempt, Date.now()]));
      const a = await consuming(handle);
      const notBefore = new Date(Date.now() + harness.arrivalMs);
      const [delayed] = await publishQueued([[update(delayedKey, 'delayed'), { notBefore }]]);
      const [after] = await publish([update(delayedKey, 'after')]);
      await publish([update(otherKey, 'other')]);
      await eventually(async () => handled.map(([m]) => m), (h) => h.includes(`${otherKey}/other`), { timeoutMs: 30_000 });
      // Held in the database, not counted as an attempt; the key's later message waits behind it.
      await eventually(deferred, (rows) => rows.some((r) => r.message_id === after.id));
      expect((await deferred()).map((r) => [r.message_id, r.attempts, r.due])).toEqual([
        [delayed.id, 0, true],
        [after.id, 0, false],
      ]);
      expect(handled.map(([m]) => m)).toEqual([`${otherKey}/other`]);

      await stop(a);
      await member(handle);
      await eventually(async () => handled.length, (n) => n === 3, { timeoutMs: 40_000 });
      expect(handled.map(([m, attempt]) => [m, attempt])).toEqual([
        [`${otherKey}/other`, 1],
        [`${delayedKey}/delayed`, 1],
        [`${delayedKey}/after`, 1],
      ]);
      expect(handled[1][2]).toBeGreaterThanOrEqual(notBefore.getTime());
      await eventually(deferred, (rows) => rows.length === 0);
      expect(await deadLetters()).toEqual([]);
    }, 120_000);

    it('dead-letters an expired message as expired without handing it over, and moves its key on', async () => {
      const handled: string[] = [];
      await consuming(async (envelope) => void handled.push(short(envelope)));
      const [expired] = await publishQueued([[update('PKG-OLD', 'stale'), { expiresAt: new Date(Date.now() - 1_000) }]]);
      await publish([update('PKG-OLD', 'after')]);
      await eventually(async () => handled, (h) => h.includes('PKG-OLD/after'), { timeoutMs: 30_000 });
      expect(handled).toEqual(['PKG-OLD/after']);
      expect(await deadLetters()).toEqual([{ message_id: expired.id, error_code: 'expired' }]);
    });

    it('dead-letters a message that expires while it waits for a retry, and never hands it over again', async () => {
      const attempts: number[] = [];
      const handled: string[] = [];
      await consuming(
        async (envelope, attempt) => {
          if (envelope.data.status === 'flaky') {
            attempts.push(attempt);
            throw unavailable();
          }
          handled.push(short(envelope));
        },
        { maxAttempts: 1_000, baseDelayMs: 400, maxDelayMs: 800 },
      );
      const [flaky] = await publishQueued([[update('PKG-TTL', 'flaky'), { ttlMs: 2_500 }]]);
      await publish([update('PKG-TTL', 'after')]);
      await eventually(async () => handled, (h) => h.includes('PKG-TTL/after'), { timeoutMs: 30_000 });
      const letters = await dlqOf(flaky.id);
      expect(letters).toMatchObject({ errorCode: 'expired', attempts: attempts.length });
      const handedOver = attempts.length;
      await eventually(deferred, (rows) => rows.length === 0);
      expect(attempts.length).toBe(handedOver);
      expect(attempts).toEqual(Array.from({ length: handedOver }, (_, i) => i + 1));
      expect(handled).toEqual(['PKG-TTL/after']);
    });

    it('keeps expired and not-yet-due messages out of a batch handler\'s batches too', async () => {
      const [delayedKey, otherKey] = samePartition();
      const handled: Array<[string, string, number]> = [];
      await consuming(async (envelope, _, path) => void handled.push([short(envelope), path ?? 'one', Date.now()]), undefined, true);
      const notBefore = new Date(Date.now() + 5_000);
      // One partition, one append (so one read): a run for the batch-first path.
      const [, expired, delayed] = await publishQueued([
        [update(otherKey, 'first'), {}],
        [update(otherKey, 'stale'), { expiresAt: new Date(Date.now() - 1_000) }],
        [update(delayedKey, 'delayed'), { notBefore }],
        [update(delayedKey, 'after'), {}],
        [update(otherKey, 'last'), {}],
        // Not yet due behind a message of its key that runs in the batch: held once that one is done.
        [update(otherKey, 'wait'), { notBefore }],
        [update(otherKey, 'final'), {}],
      ]);
      await eventually(async () => handled.length, (n) => n >= 6, { timeoutMs: 40_000 });
      const ofKey = (key: string) => handled.filter(([m]) => m.startsWith(`${key}/`)).map(([m]) => m);
      expect(ofKey(otherKey)).toEqual([`${otherKey}/first`, `${otherKey}/last`, `${otherKey}/wait`, `${otherKey}/final`]);
      expect(ofKey(delayedKey)).toEqual([`${delayedKey}/delayed`, `${delayedKey}/after`]);
      // One key, one append: read in one window, handled as a batch (on Kafka the relay may bring the
      // window after the not-before time; then the due ones join the batch, which is right too).
      expect(handled.filter(([m]) => m.endsWith('/first') || m.endsWith('/last')).map(([m, path]) => [m, path])).toEqual([
        [`${otherKey}/first`, 'batch'],
        [`${otherKey}/last`, 'batch'],
      ]);
      // The not-yet-due ones reached no handler (batch or one by one) before their time.
      for (const [m, , at] of handled) if (m.endsWith('/wait') || m.endsWith('/delayed')) expect([m, at >= notBefore.getTime()]).toEqual([m, true]);
      expect(await deadLetters()).toEqual([{ message_id: expired.id, error_code: 'expired' }]);
      expect(delayed.notbefore).toBe(notBefore.toISOString());
    });

    it('runs the higher-priority ones first among retries and delayed messages that are due at once', async () => {
      const handled: string[] = [];
      const a = await consuming(async (envelope) => void handled.push(short(envelope)));
      const notBefore = new Date(Date.now() + harness.arrivalMs);
      const lows = Array.from({ length: 16 }, (_, i) => `PKG-DUE-LOW-${i}`);
      const highs = Array.from({ length: 4 }, (_, i) => `PKG-DUE-HIGH-${i}`);
      await publishQueued([...lows.map((k) => [update(k, 'low'), { notBefore }] as [CarrierUpdateReceived, QueueOptions])]);
      // The high ones come due last (were due time the order, they would be handled last).
      const later = new Date(notBefore.getTime() + 1_000);
      await publishQueued([...highs.map((k) => [update(k, 'high'), { notBefore: later, priority: 8 }] as [CarrierUpdateReceived, QueueOptions])]);
      await eventually(deferred, (rows) => rows.length === 20, { timeoutMs: harness.arrivalMs });
      // Stopped until all 20 are due: the next member's retry loop finds them due at once.
      await stop(a);
      await eventually(async () => Date.now(), (now) => now > later.getTime() + 200, { timeoutMs: harness.arrivalMs + 5_000, intervalMs: 100 });
      expect(handled).toEqual([]);
      await member(noProbe(async (envelope) => void handled.push(short(envelope))));
      await eventually(async () => new Set(handled).size, (n) => n === 20, { timeoutMs: 30_000 });
      // A claim takes up to 8 (the retry loop's concurrency), the highest priority first: the 4 high ones come in the first.
      const firsts = [...new Set(handled)];
      const lastHigh = Math.max(...highs.map((k) => firsts.indexOf(`${k}/high`)));
      expect(lastHigh).toBeLessThan(8);
    }, 120_000);

    it('handles higher-priority messages first among those waiting in a partition\'s window, never reordering a key', async () => {
      const handled: string[] = [];
      const a = await consuming(async (envelope) => void handled.push(short(envelope)));
      await stop(a);
      // With the consumer stopped: many low-priority messages on distinct keys, then high-priority ones.
      const lows = Array.from({ length: 24 }, (_, i) => `PKG-LOW-${i}`);
      const highs = Array.from({ length: 6 }, (_, i) => `PKG-HIGH-${i}`);
      await publishQueued(lows.map((k) => [update(k, 'low'), {}]));
      await publishQueued([...highs.map((k): [CarrierUpdateReceived, QueueOptions] => [update(k, 'high'), { priority: 9 }])]);
      // One key: a low message then a high one; the high one must not overtake it.
      await publishQueued([
        [update('PKG-PAIR', 'first'), { priority: 1 }],
        [update('PKG-PAIR', 'second'), { priority: 9 }],
      ]);
      await harness.published(publisher);
      await member(noProbe(async (envelope) => void handled.push(short(envelope))));
      const total = lows.length + highs.length + 2;
      await eventually(async () => new Set(handled).size, (n) => n === total, { timeoutMs: 40_000 });
      const firsts = [...new Set(handled)];
      const partitionOf = (entry: string) => harness.partitionOf(`${TENANT}:${mark()}${entry.split('/')[0]}`);
      for (const high of highs) {
        const position = firsts.indexOf(`${high}/high`);
        const lowerBefore = firsts.slice(0, position).filter((e) => e.endsWith('/low') && partitionOf(e) === partitionOf(`${high}/high`));
        expect([high, lowerBefore]).toEqual([high, []]);
      }
      expect(firsts.indexOf('PKG-PAIR/first')).toBeLessThan(firsts.indexOf('PKG-PAIR/second'));
    });
  });
});
