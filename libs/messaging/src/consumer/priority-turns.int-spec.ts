import { Logger } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { MESSAGING_ENTITIES } from '../messaging.entities.js';
import { messagingMigrations } from '../messaging.migrations.js';
import { DurableDelivery, type InboundMessage } from './durable-delivery.js';

/** Priority across the partitions one member holds: a lower-priority partition waits while another has higher ones in hand. */
describe('DurableDelivery: priority across a member\'s partitions', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: MESSAGING_ENTITIES, migrations: messagingMigrations });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const message = (partition: number, offset: number, key: string, priority?: number): InboundMessage => ({
    topic: 'queue.priority',
    partition,
    offset,
    key,
    messageId: `${partition}-${offset}`,
    tenantId: null,
    envelope: { subject: key, ...(priority === undefined ? {} : { priority }) },
  });

  const delivery = (run: (m: InboundMessage) => Promise<void>) =>
    new DurableDelivery({
      dataSource,
      group: `priority-${Math.random().toString(36).slice(2)}`,
      topics: ['queue.priority'],
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      memberId: 'member-1',
      logger: new Logger('priority-turns'),
      run: (m) => run(m),
    });

  /** Runs partition 1's high-priority messages (the first one's handler held until released), then partition 0's low ones. */
  const race = async (highs: InboundMessage[], lows: InboundMessage[]) => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const durable = delivery(async (m) => {
      order.push(m.messageId);
      if (m === highs[0]) {
        started();
        await held;
      }
    });
    const high = durable.deliverAll(highs);
    await firstStarted;
    const low = durable.deliverAll(lows);
    // Partition 0 gets every chance to run meanwhile: several turns of the event loop and a query.
    await dataSource.query('SELECT 1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([high, low]);
    return order;
  };

  it('holds a partition\'s lower-priority messages while another partition has higher ones in hand', async () => {
    const highs = [message(1, 0, 'h1', 9), message(1, 1, 'h2', 9)];
    const lows = [message(0, 0, 'l1'), message(0, 1, 'l2', 1)];
    expect(await race(highs, lows)).toEqual(['1-0', '1-1', '0-1', '0-0']);
  });

  it('lets partitions run side by side when no message has a priority', async () => {
    const first = [message(1, 0, 'a1'), message(1, 1, 'a2')];
    const second = [message(0, 0, 'b1'), message(0, 1, 'b2')];
    const order = await race(first, second);
    expect(order.slice(0, 3)).toEqual(['1-0', '0-0', '0-1']);
  });
});
