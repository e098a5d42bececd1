import {
  Catch,
  Controller,
  Inject,
  Module,
  type ArgumentsHost,
  type DynamicModule,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DatabaseModule } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { createTestDatabase, eventually, testSecrets, type TestDatabase } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import pg from 'pg';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { createEnvelope, type Envelope } from '../envelope/envelope.js';
import { uuidv7 } from '../envelope/uuid-v7.js';
import { Inbox } from '../inbox/inbox.js';
import { MessagePublisher } from '../message-publisher.js';
import { connectConsumer, MessagingModule, type ConsumerOptions } from '../messaging.module.js';
import { rethrowToTransport } from '../rethrow-to-transport.js';
import { MessageSigner, type SigningKeyring } from '../signing/message-signer.js';
import { messagingMigrations } from '../messaging.migrations.js';
import { partitionFor } from './partitioner.js';
import { PostgresMessageLog } from './postgres-message-log.js';
import { PostgresTransportClient } from './postgres-transport.client.js';
import type { PostgresContext, PostgresTransportServer } from './postgres-transport.server.js';

const TIMEOUT = 30_000;
const TENANT = 'tenant-1';
const PARTITIONS = 8;
const LEASE_MS = 1_000;

const secrets = testSecrets();
const keyring: SigningKeyring = {
  active: { id: secrets.TRIBUTARY_SIGNING_KEY_ID, secret: secrets.TRIBUTARY_SIGNING_KEY },
};

interface Deps {
  readonly dataSource: DataSource;
  readonly inbox: Inbox;
}
type Handle = (envelope: Envelope<CarrierUpdateReceived>, ctx: PostgresContext, deps: Deps) => unknown;

const HANDLE = Symbol('handle');

/** The app under test's only handler; what it does is the test's `Handle`. */
@Controller()
class CarrierUpdateTestController {
  constructor(
    @Inject(HANDLE) private readonly handle: Handle,
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
  ) {}

  @EventPattern<string>(Topics.carrierUpdateReceived.name)
  onCarrierUpdate(@Payload() envelope: Envelope<CarrierUpdateReceived>, @Ctx() ctx: PostgresContext): unknown {
    return this.handle(envelope, ctx, { dataSource: this.dataSource, inbox: this.inbox });
  }
}

/** What an app's one exception filter does for messages (see `rethrowToTransport`). */
@Catch()
class RethrowToTransportFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost) {
    return rethrowToTransport(error, host);
  }
}

@Module({})
class TransportTestModule {
  static forRoot(url: string, handle: Handle): DynamicModule {
    return {
      module: TransportTestModule,
      imports: [
        DatabaseModule.forRoot({ name: 'messaging-test', url, entities: [], migrations: messagingMigrations }),
        MessagingModule.forRoot({ source: 'messaging-test', signing: keyring, partitions: PARTITIONS, transport: { kind: 'postgres' } }),
      ],
      controllers: [CarrierUpdateTestController],
      providers: [{ provide: HANDLE, useValue: handle }],
    };
  }
}

const update = (trackingId: string, status = 'In Transit'): CarrierUpdateReceived => ({
  trackingId,
  carrier: 'DHL',
  status,
  occurredAt: '2026-11-23T10:00:00Z',
});

/** A tracking id whose messages land on `partition`. */
const keyOn = (partition: number, prefix = 'PKG'): string => {
  for (let n = 0; ; n++) {
    if (partitionFor(`${TENANT}:${prefix}-${n}`, PARTITIONS) === partition) return `${prefix}-${n}`;
  }
};

/** A promise the test opens: how a handler is held mid-message. */
class Gate {
  private open_!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open_ = resolve));
  open(): void {
    this.open_();
  }
}

/** One read of the log by a consumer's partition worker; `rows` once it has answered. */
interface LogRead {
  readonly partition: number;
  rows?: number;
}

/**
 * Records the reads of `app`'s log, in the order they start. A worker whose read answered nothing
 * waits for a wake-up: this is how a test knows it idles, without sleeping on a guess.
 */
const watchReads = (app: INestApplication): LogRead[] => {
  const reads: LogRead[] = [];
  const log = app.get(PostgresMessageLog);
  const read = log.read.bind(log);
  log.read = async (q, topic, partition, fromOffset, limit) => {
    const entry: LogRead = { partition };
    reads.push(entry);
    const rows = await read(q, topic, partition, fromOffset, limit);
    entry.rows = rows.length;
    return rows;
  };
  return reads;
};

/** The reads of `partition` begun after the first `since` reads, once one of them has answered. */
const readsOf = (reads: LogRead[], partition: number, since = 0): Promise<LogRead[]> =>
  eventually(
    async () => reads.slice(since).filter((r) => r.partition === partition && r.rows !== undefined),
    (answered) => answered.length > 0,
  );

/** Resolves once the worker of each of `partitions` has read it to its end: it now waits for a wake-up. */
const idle = async (reads: LogRead[], partitions: number[]): Promise<void> => {
  for (const partition of partitions) {
    await eventually(async () => reads.some((r) => r.partition === partition && r.rows === 0), Boolean);
  }
};

interface Delivery {
  readonly member: string;
  readonly id: string;
  readonly trackingId: string;
  readonly status: string;
  readonly attempt: number;
}

describe('postgres transport', () => {
  let db: TestDatabase;
  let producer: INestApplication;
  let dataSource: DataSource;
  let apps: INestApplication[];
  let gates: Gate[];

  const startApp = async (handle: Handle = () => undefined): Promise<INestApplication> => {
    const app = await NestFactory.create(TransportTestModule.forRoot(db.url, handle), { logger: false });
    app.useGlobalFilters(new RethrowToTransportFilter());
    apps.push(app);
    return app;
  };

  /** A member of `options.group` whose handler is `handle`, consuming once this resolves. */
  const startConsumer = async (
    options: Partial<ConsumerOptions> & { group: string },
    handle: Handle,
  ): Promise<{ app: INestApplication; server: PostgresTransportServer; reads: LogRead[] }> => {
    const app = await startApp(handle);
    const server = connectConsumer(app, {
      pollIntervalMs: 50,
      leaseMs: LEASE_MS,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      ...options,
    }) as PostgresTransportServer;
    const reads = watchReads(app);
    await app.init();
    await app.startAllMicroservices();
    return { app, server, reads };
  };

  /** A handler that records every delivery into `into` under `member`'s name. */
  const recorder =
    (member: string, into: Delivery[], then: Handle = () => undefined): Handle =>
    (envelope, ctx, deps) => {
      into.push({ member, id: envelope.id, trackingId: envelope.data.trackingId, status: envelope.data.status, attempt: ctx.attempt });
      return then(envelope, ctx, deps);
    };

  const publish = (updates: CarrierUpdateReceived[], tenantId = TENANT): Promise<Envelope<CarrierUpdateReceived>[]> => {
    const publisher = producer.get(MessagePublisher);
    return dataSource.transaction(async (manager) => {
      const sent: Envelope<CarrierUpdateReceived>[] = [];
      for (const data of updates) sent.push(await publisher.publish(manager, Topics.carrierUpdateReceived, data, { tenantId }));
      return sent;
    });
  };

  const committed = async (group: string): Promise<number> =>
    Number(
      (await dataSource.query(`SELECT coalesce(sum(committed_offset), 0) AS n FROM messaging.group_partitions WHERE group_id = $1`, [group]))[0].n,
    );

  const published = async (): Promise<number> => Number((await dataSource.query(`SELECT count(*) AS n FROM messaging.messages`))[0].n);

  const deferred = async (group: string): Promise<number> =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM messaging.deferred WHERE group_id = $1`, [group]))[0].n);

  /** Resolves once `group` has committed every message in the log and has no retry left. */
  const drained = async (group: string): Promise<void> => {
    const total = await published();
    await eventually(async () => [await committed(group), await deferred(group)], ([n, d]) => n === total && d === 0);
  };

  /** Who holds a live lease on each partition of `group`. */
  const leases = (group: string): Promise<Array<{ partition: number; owner: string | null }>> =>
    dataSource.query(
      `SELECT partition, owner FROM messaging.group_partitions WHERE group_id = $1 AND lease_until > now() ORDER BY partition`,
      [group],
    );

  /** When `member` of `group` last heartbeated: each of its rebalances begins with one. */
  const heartbeat = async (group: string, member: string): Promise<Date> =>
    (await dataSource.query(`SELECT heartbeat_at FROM messaging.group_members WHERE group_id = $1 AND member_id = $2`, [group, member]))[0].heartbeat_at;

  const deadLetters = (group: string): Promise<Array<{ message_id: string; error_code: string; attempts: number }>> =>
    dataSource.query(`SELECT message_id, error_code, attempts FROM messaging.dead_letters WHERE group_id = $1 ORDER BY "offset"`, [group]);

  const count = (deliveries: Delivery[], predicate: (d: Delivery) => boolean) => async () => deliveries.filter(predicate).length;

  beforeEach(async () => {
    apps = [];
    gates = [];
    db = await createTestDatabase();
    producer = await startApp();
    await producer.init();
    dataSource = producer.get(DataSource);
  }, TIMEOUT);

  afterEach(async () => {
    gates.forEach((gate) => gate.open());
    await Promise.allSettled(apps.map((app) => app.close()));
    await db?.drop();
  }, TIMEOUT);

  describe('delivery', () => {
    it(
      'hands the handler the verified envelope it was published as, with its place in the log',
      async () => {
        const received: Array<{ envelope: Envelope<CarrierUpdateReceived>; ctx: PostgresContext }> = [];
        await startConsumer({ group: 'round-trip' }, (envelope, ctx) => void received.push({ envelope, ctx }));

        const [sent] = await publish([update('PKG-1')]);

        await eventually(async () => received.length, (n) => n === 1);
        const [{ envelope, ctx }] = received;
        expect(envelope).toEqual(sent);
        expect(envelope.signature).toMatch(new RegExp(`^v1=${keyring.active.id},`));
        expect(ctx.attempt).toBe(1);
        expect(ctx.message).toMatchObject({
          topic: Topics.carrierUpdateReceived.name,
          partition: partitionFor(`${TENANT}:PKG-1`, PARTITIONS),
          offset: 0,
        });
        await drained('round-trip');
      },
      TIMEOUT,
    );

    it(
      'delivers what PostgresTransportClient emits, signed by the client',
      async () => {
        const received: Delivery[] = [];
        await startConsumer({ group: 'client' }, recorder('a', received));
        const client = new PostgresTransportClient(dataSource, producer.get(PostgresMessageLog), producer.get(MessageSigner));
        const envelope = createEnvelope(Topics.carrierUpdateReceived, update('PKG-CLIENT'), { source: 'messaging-test', tenantId: TENANT });

        await lastValueFrom(client.emit(Topics.carrierUpdateReceived.name, envelope), { defaultValue: undefined });

        await eventually(async () => received, (r) => r.length === 1);
        expect(received[0]).toMatchObject({ id: envelope.id, trackingId: 'PKG-CLIENT', attempt: 1 });
        await expect(lastValueFrom(client.emit(Topics.packageUpdated.name, envelope))).rejects.toThrow(/emitted on/);
        await expect(lastValueFrom(client.send(Topics.carrierUpdateReceived.name, envelope))).rejects.toThrow(/events only/);
      },
      TIMEOUT,
    );

    it(
      'keeps publish order per key across partitions, commits and retries',
      async () => {
        const keys = ['PKG-1', 'PKG-2', 'PKG-3', 'PKG-4', 'PKG-5'];
        const handled: Delivery[] = [];
        await startConsumer({ group: 'order' }, (envelope, ctx) => {
          // Every seventh message fails once: the ones behind it on its key must wait for it.
          if (Number(envelope.data.status) % 7 === 3 && ctx.attempt === 1) throw new Error('transient failure');
          handled.push({ member: 'a', id: envelope.id, trackingId: envelope.data.trackingId, status: envelope.data.status, attempt: ctx.attempt });
        });

        const all = Array.from({ length: 20 }, (_, seq) => keys.map((key) => update(key, String(seq)))).flat();
        for (let i = 0; i < all.length; i += 25) await publish(all.slice(i, i + 25));

        await eventually(async () => handled.length, (n) => n >= all.length);
        for (const key of keys) {
          expect(handled.filter((d) => d.trackingId === key).map((d) => Number(d.status))).toEqual([...Array(20).keys()]);
        }
        expect(handled.filter((d) => d.attempt === 2)).toHaveLength(15);
        await drained('order');
      },
      TIMEOUT,
    );

    it(
      'wakes the partitions a commit in this process wrote to, without waiting for a poll',
      async () => {
        const received: Delivery[] = [];
        // A poll far beyond the test's timeout: only the in-process commit signal can deliver in time.
        const { reads } = await startConsumer({ group: 'signalled', pollIntervalMs: 120_000 }, recorder('a', received));
        const partitions = [0, 3, 5, 7];
        // Idle first, or a worker's first read could find the messages without any wake-up.
        await idle(reads, partitions);
        const keys = partitions.map((partition) => keyOn(partition, 'SIG'));
        for (const key of keys) await publish([update(key)]);
        await eventually(async () => received, (r) => r.length === keys.length, { timeoutMs: 5_000 });
        expect(received.map((d) => d.trackingId).sort()).toEqual([...keys].sort());
      },
      TIMEOUT,
    );

    it(
      'picks up a message whose wake-up never came (written by another process, without LISTEN) within the poll interval',
      async () => {
        const received: Delivery[] = [];
        const { reads } = await startConsumer({ group: 'no-wakeup', pollIntervalMs: 100 }, recorder('a', received));
        const partition = partitionFor(`${TENANT}:PKG-ELSEWHERE`, PARTITIONS);
        // Idle: the partition's worker has read it to its end and waits.
        await idle(reads, [partition]);
        const other = new pg.Client({ connectionString: db.url });
        await other.connect();
        try {
          const envelope = producer.get(MessageSigner).sign(
            createEnvelope(Topics.carrierUpdateReceived, update('PKG-ELSEWHERE'), { source: 'elsewhere', tenantId: TENANT }),
          );
          // Not a TypeORM transaction: the in-process signal fires at once, before the commit,
          // so the consumer reads nothing then; only the poll of the partitions' heads finds it.
          await other.query('BEGIN');
          const since = reads.length;
          await producer.get(PostgresMessageLog).append({ query: async <T,>(sql: string, params?: unknown[]) => (await other.query(sql, params)).rows as T[] }, [envelope]);
          // The worker that signal woke has read, found nothing uncommitted and waits again: from now
          // on nothing in this process wakes it.
          const [woken] = await readsOf(reads, partition, since);
          expect(woken.rows).toBe(0);
          expect(received).toHaveLength(0);
          await other.query('COMMIT');

          await eventually(async () => received, (r) => r.length === 1, { timeoutMs: 5_000 });
          expect(received[0]).toMatchObject({ id: envelope.id, trackingId: 'PKG-ELSEWHERE' });
        } finally {
          await other.end();
        }
      },
      TIMEOUT,
    );

    it(
      'works with a lease that is not a whole number of seconds',
      async () => {
        const received: Delivery[] = [];
        await startConsumer({ group: 'odd-lease', leaseMs: 1_500 }, recorder('a', received));
        await publish([update('PKG-1')]);
        await eventually(async () => received.length, (n) => n === 1);
      },
      TIMEOUT,
    );
  });

  describe('consumer groups', () => {
    it(
      'shares partitions between two members of a group, handling each message once, while another group sees all',
      async () => {
        const handled: Delivery[] = [];
        const other: Delivery[] = [];
        await startConsumer({ group: 'shared' }, recorder('a', handled));
        await startConsumer({ group: 'elsewhere' }, recorder('other', other));

        const keys = Array.from({ length: 16 }, (_, i) => `PKG-${i}`);
        await publish(keys.map((key) => update(key, 'before-join')));
        await startConsumer({ group: 'shared' }, recorder('b', handled));
        await eventually(async () => new Set((await leases('shared')).map((p) => p.owner)).size, (n) => n === 2);
        for (let seq = 0; seq < 5; seq++) await publish(keys.map((key) => update(key, String(seq))));

        const total = keys.length * 6;
        await drained('shared');
        await drained('elsewhere');
        const timesHandled = new Map<string, number>();
        handled.forEach((d) => timesHandled.set(d.id, (timesHandled.get(d.id) ?? 0) + 1));
        expect(timesHandled.size).toBe(total);
        expect([...timesHandled.values()].every((n) => n === 1)).toBe(true);
        expect(new Set(handled.filter((d) => d.status !== 'before-join').map((d) => d.member))).toEqual(new Set(['a', 'b']));
        expect(new Set(other.map((d) => d.id))).toEqual(new Set(timesHandled.keys()));
        expect(other).toHaveLength(total);
      },
      TIMEOUT,
    );

    it(
      'redelivers to another member what a member was handling when it stopped heartbeating',
      async () => {
        const deliveries: Delivery[] = [];
        const stuck = new Gate();
        gates.push(stuck);
        const { app: a } = await startConsumer({ group: 'failover' }, recorder('a', deliveries, () => stuck.opened));
        const [message] = await publish([update('PKG-1')]);
        await eventually(count(deliveries, (d) => d.member === 'a'), (n) => n === 1);

        // Closing stops a's heartbeats but waits for its handler, which never finishes: like a hung process.
        const closing = a.close();
        await startConsumer({ group: 'failover' }, recorder('b', deliveries));

        await eventually(async () => deliveries, (d) => d.some((x) => x.member === 'b'));
        expect(deliveries.map((d) => [d.member, d.id, d.attempt])).toEqual([
          ['a', message.id, 1],
          ['b', message.id, 1],
        ]);
        await drained('failover');

        stuck.open();
        await closing;
        // a's late finish neither moves the group's offset nor takes b's partitions away.
        expect(await committed('failover')).toBe(1);
        await publish([update('PKG-1', 'Delivered')]);
        await eventually(count(deliveries, (d) => d.status === 'Delivered'), (n) => n === 1);
        expect(deliveries.filter((d) => d.status === 'Delivered').map((d) => d.member)).toEqual(['b']);
      },
      TIMEOUT,
    );

    it(
      'finishes the message in hand when closed and hands its partitions over without redelivery',
      async () => {
        const deliveries: Delivery[] = [];
        const slow = new Gate();
        gates.push(slow);
        // Member ids fix the deal: a holds the even partitions, b the odd ones.
        const { server: a } = await startConsumer({ group: 'handover', memberId: 'handover-a' }, recorder('a', deliveries, () => slow.opened));
        await startConsumer({ group: 'handover', memberId: 'handover-b' }, recorder('b', deliveries));
        await eventually(async () => new Set((await leases('handover')).map((p) => p.owner)).size, (n) => n === 2);
        const key = keyOn(0);

        await publish([update(key, '1'), update(key, '2')]);
        await eventually(count(deliveries, (d) => d.member === 'a'), (n) => n === 1);
        // The transport's own close stops a at once (the app's runs other hooks first), then the handler finishes.
        const closing = a.close();
        slow.open();
        await closing;

        await eventually(count(deliveries, (d) => d.status === '2'), (n) => n === 1);
        await drained('handover');
        expect(deliveries.map((d) => [d.member, d.status])).toEqual([
          ['a', '1'],
          ['b', '2'],
        ]);
      },
      TIMEOUT,
    );

    it(
      'keeps heartbeating and holds a partition it gives up until its handler has finished the message in hand',
      async () => {
        const deliveries: Delivery[] = [];
        const slow = new Gate();
        gates.push(slow);
        // Member ids fix the deal: with two members, a keeps the even partitions and b takes the odd ones.
        const slowKey = keyOn(1, 'SLOW');
        await startConsumer({ group: 'drain', memberId: 'drain-a' }, recorder('a', deliveries, (e) => (e.data.trackingId === slowKey ? slow.opened : undefined)));
        await publish([update(slowKey, '1')]);
        await eventually(count(deliveries, (d) => d.trackingId === slowKey), (n) => n === 1);

        await startConsumer({ group: 'drain', memberId: 'drain-b' }, recorder('b', deliveries));
        await eventually(
          async () => (await leases('drain')).filter((p) => p.owner === 'drain-b').map((p) => p.partition),
          (mine) => [3, 5, 7].every((p) => mine.includes(p)),
        );
        // Past the time a's leases lapse if it stopped renewing them while waiting on its handler, b has
        // completed a rebalance (its next heartbeat begins the following one): it would have taken them.
        const [{ lapse }] = await dataSource.query(`SELECT max(lease_until) AS lapse FROM messaging.group_partitions WHERE group_id = 'drain' AND owner = 'drain-a'`);
        const beatAfterLapse = await eventually(() => heartbeat('drain', 'drain-b'), (at) => at > lapse);
        await eventually(() => heartbeat('drain', 'drain-b'), (at) => at > beatAfterLapse);
        expect(await leases('drain')).toEqual([
          { partition: 0, owner: 'drain-a' },
          { partition: 1, owner: 'drain-a' },
          { partition: 2, owner: 'drain-a' },
          { partition: 3, owner: 'drain-b' },
          { partition: 4, owner: 'drain-a' },
          { partition: 5, owner: 'drain-b' },
          { partition: 6, owner: 'drain-a' },
          { partition: 7, owner: 'drain-b' },
        ]);
        await publish([update(keyOn(2), 'even'), update(keyOn(3), 'odd')]);
        await eventually(count(deliveries, (d) => d.status === 'even' || d.status === 'odd'), (n) => n === 2);

        slow.open();
        await publish([update(slowKey, '2')]);
        await eventually(count(deliveries, (d) => d.trackingId === slowKey), (n) => n === 2);
        await drained('drain');
        const by = (statuses: string[]) => deliveries.filter((d) => statuses.includes(d.status)).map((d) => [d.member, d.status]);
        expect(by(['1', '2'])).toEqual([
          ['a', '1'],
          ['b', '2'],
        ]);
        expect(by(['even', 'odd']).sort()).toEqual([
          ['a', 'even'],
          ['b', 'odd'],
        ]);
      },
      TIMEOUT,
    );
  });

  describe('failures', () => {
    it(
      'dead-letters messages whose signature does not verify, never handing them over, and goes on with the partition',
      async () => {
        const received: Delivery[] = [];
        await startConsumer({ group: 'signatures' }, recorder('a', received));
        const log = producer.get(PostgresMessageLog);
        const envelope = (status: string) =>
          createEnvelope(Topics.carrierUpdateReceived, update('PKG-1', status), { source: 'messaging-test', tenantId: TENANT });
        const otherSecret = new MessageSigner({ active: { id: keyring.active.id, secret: 'not-the-secret' } }).sign(envelope('other secret'));
        const unknownKey = new MessageSigner({ active: { id: 'stranger', secret: 'x' } }).sign(envelope('unknown key'));
        const signed = producer.get(MessageSigner).sign(envelope('tampered'));
        const tampered = { ...signed, data: { ...signed.data, status: 'Delivered' } };
        const unsigned = envelope('unsigned');

        await log.append(dataSource, [otherSecret, unknownKey, tampered, unsigned]);
        const [good] = await publish([update('PKG-1', 'good')]);

        await drained('signatures');
        expect(received.map((d) => d.id)).toEqual([good.id]);
        expect(await deadLetters('signatures')).toEqual(
          [otherSecret, unknownKey, tampered, unsigned].map((e) => ({ message_id: e.id, error_code: 'signature_invalid', attempts: 1 })),
        );
      },
      TIMEOUT,
    );

    it(
      'retries a retryable failure until it succeeds, counting attempts',
      async () => {
        const attempts: number[] = [];
        await startConsumer({ group: 'flaky' }, (_, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new TributaryError('unavailable', 'upstream_unavailable', 'carrier API unavailable');
        });

        await publish([update('PKG-1')]);

        await drained('flaky');
        expect(attempts).toEqual([1, 2, 3]);
        expect(await deadLetters('flaky')).toEqual([]);
      },
      TIMEOUT,
    );

    it(
      'dead-letters a non-retryable failure at once and a failure that persists after maxAttempts, and goes on',
      async () => {
        const deliveries: Delivery[] = [];
        await startConsumer(
          { group: 'failing', retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 } },
          recorder('a', deliveries, (envelope) => {
            if (envelope.data.status === 'invalid') throw new TributaryError('invalid', 'upstream_rejected', 'no such status');
            if (envelope.data.status === 'broken') throw new Error('handler bug');
          }),
        );

        const [invalid, broken, fine] = await publish([update('PKG-1', 'invalid'), update('PKG-1', 'broken'), update('PKG-1', 'fine')]);

        await drained('failing');
        expect(deliveries.map((d) => [d.status, d.attempt])).toEqual([
          ['invalid', 1],
          ['broken', 1],
          ['broken', 2],
          ['broken', 3],
          ['broken', 4],
          ['fine', 1],
        ]);
        expect(await deadLetters('failing')).toEqual([
          { message_id: invalid.id, error_code: 'upstream_rejected', attempts: 1 },
          { message_id: broken.id, error_code: 'handler_failed', attempts: 4 },
        ]);
        const [row] = await dataSource.query(`SELECT tenant_id, envelope, error_message FROM messaging.dead_letters WHERE message_id = $1`, [broken.id]);
        expect(row).toEqual({ tenant_id: TENANT, envelope: broken, error_message: 'handler bug' });
        expect(deliveries.filter((d) => d.id === fine.id)).toHaveLength(1);
      },
      TIMEOUT,
    );
  });

  describe('inbox', () => {
    const messageId = '0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b';
    const claimIn = (consumer: string) => dataSource.transaction((manager) => producer.get(Inbox).claim(manager, consumer, messageId));

    it(
      'grants a message id to the first claim only',
      async () => {
        expect(await claimIn('projector')).toBe(true);
        expect(await claimIn('projector')).toBe(false);
        expect(await claimIn('mailer')).toBe(true);
      },
      TIMEOUT,
    );

    it(
      'makes a concurrent claim wait for the first transaction and then see its claim',
      async () => {
        const runner = dataSource.createQueryRunner();
        await runner.startTransaction();
        try {
          expect(await producer.get(Inbox).claim(runner.manager, 'projector', messageId)).toBe(true);
          const second = claimIn('projector');
          await runner.commitTransaction();
          expect(await second).toBe(false);
        } finally {
          await runner.release();
        }
      },
      TIMEOUT,
    );

    it(
      'forgets a claim whose transaction rolled back',
      async () => {
        const failed = dataSource.transaction(async (manager) => {
          await producer.get(Inbox).claim(manager, 'projector', messageId);
          throw new Error('effect failed');
        });
        await expect(failed).rejects.toThrow('effect failed');
        expect(await claimIn('projector')).toBe(true);
      },
      TIMEOUT,
    );

    it(
      'makes a redelivered message change nothing twice when the handler claims it with its effect',
      async () => {
        await dataSource.query(`CREATE TABLE package_updates (tracking_id text PRIMARY KEY, updates int NOT NULL)`);
        const deliveries: Delivery[] = [];
        const applyOnce = recorder('a', deliveries, (envelope, _, { dataSource: ds, inbox }) =>
          ds.transaction(async (manager) => {
            if (!(await inbox.claim(manager, 'package-updates', envelope.id))) return;
            await manager.query(
              `INSERT INTO package_updates VALUES ($1, 1)
               ON CONFLICT (tracking_id) DO UPDATE SET updates = package_updates.updates + 1`,
              [envelope.data.trackingId],
            );
          }),
        );
        const effects = () => dataSource.query(`SELECT tracking_id, updates FROM package_updates ORDER BY tracking_id`);
        const { app: first } = await startConsumer({ group: 'effects' }, applyOnce);
        await publish([update('PKG-1', '1'), update('PKG-2', '1'), update('PKG-1', '2'), update('PKG-1', '3'), update('PKG-2', '2')]);
        await drained('effects');
        await first.close();
        const once = await effects();

        await dataSource.query(`UPDATE messaging.group_partitions SET committed_offset = 0 WHERE group_id = 'effects'`);
        await startConsumer({ group: 'effects' }, applyOnce);

        await eventually(async () => deliveries.length, (n) => n === 10);
        await drained('effects');
        expect(once).toEqual([
          { tracking_id: 'PKG-1', updates: 3 },
          { tracking_id: 'PKG-2', updates: 2 },
        ]);
        expect(await effects()).toEqual(once);
      },
      TIMEOUT,
    );
  });

  describe('claimed appends', () => {
    // A claim as the gateway's idempotency receipts make one: the ids not claimed before are appended.
    const claim = (ids: string[]) => ({
      sql: `INSERT INTO claims (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING id`,
      parameters: [ids],
    });
    const messages = (trackingIds: string[]) =>
      trackingIds.map((trackingId) => ({ topic: Topics.carrierUpdateReceived, data: update(trackingId, '1'), origin: { tenantId: TENANT, id: uuidv7() } }));

    beforeEach(async () => {
      await dataSource.query(`CREATE TABLE claims (id uuid PRIMARY KEY)`);
    }, TIMEOUT);

    it(
      'appends in one statement only the messages the claim yields, each partition with contiguous offsets',
      async () => {
        const publisher = producer.get(MessagePublisher);
        const batch = messages(['PKG-1', 'PKG-2', 'PKG-3', 'PKG-1', 'PKG-4']);
        await dataSource.query(`INSERT INTO claims VALUES ($1), ($2)`, [batch[1].origin.id, batch[3].origin.id]);

        const appended = await publisher.publishClaimed(dataSource, batch, claim(batch.map((m) => m.origin.id)));

        expect(appended.map((e) => e.id)).toEqual([batch[0], batch[2], batch[4]].map((m) => m.origin.id));
        const rows: { partition: number; offset: string; message_id: string }[] = await dataSource.query(
          `SELECT partition, "offset", message_id FROM messaging.messages ORDER BY partition, "offset"`,
        );
        expect(rows.map((r) => r.message_id).sort()).toEqual(appended.map((e) => e.id).sort());
        for (const partition of new Set(rows.map((r) => r.partition))) {
          expect(rows.filter((r) => r.partition === partition).map((r) => Number(r.offset))).toEqual(
            rows.filter((r) => r.partition === partition).map((_, i) => i),
          );
        }
        expect(await publisher.publishClaimed(dataSource, batch, claim(batch.map((m) => m.origin.id)))).toEqual([]);
        expect(await published()).toBe(3);
      },
      TIMEOUT,
    );

    it(
      'keeps neither the claim nor any message when the append fails',
      async () => {
        const batch = messages(['PKG-1', 'PKG-2']);
        const partition = partitionFor(`${TENANT}:PKG-2`, PARTITIONS);
        await dataSource.query(`DELETE FROM messaging.topic_partitions WHERE topic = $1 AND partition = $2`, [Topics.carrierUpdateReceived.name, partition]);

        await expect(producer.get(MessagePublisher).publishClaimed(dataSource, batch, claim(batch.map((m) => m.origin.id)))).rejects.toThrow(
          /partition of the topic is missing/,
        );

        expect(await dataSource.query(`SELECT id FROM claims`)).toEqual([]);
        expect(await published()).toBe(0);
      },
      TIMEOUT,
    );
  });
});
