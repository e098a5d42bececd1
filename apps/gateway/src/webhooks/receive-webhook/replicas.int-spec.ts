import { randomUUID } from 'node:crypto';
import { readJson, sendStandardWebhook, testRedis, testSecrets } from '@tributary/testing';
import { Redis } from 'ioredis';
import {
  createTestDatabase,
  LogCapture,
  provisionTenant,
  startGateway,
  type RunningGateway,
  type TestDatabase,
} from '../../../../../test/support/gateway-harness.js';
import { ReceiptRetention } from './receipt-retention.js';

const payload = { trackingId: 'PKG-R', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };

const redis = await testRedis();
const itWithRedis = redis.url ? it : it.skip;

/** Two gateway replicas over one database (and one Redis): what a sender sees does not depend on which one answers. */
describe(`two gateway replicas${redis.skipped ? ` (Redis cases skipped: ${redis.skipped})` : ''}`, () => {
  let db: TestDatabase;
  let one: RunningGateway;
  let two: RunningGateway;
  const logs = new LogCapture();
  /** Every key and secret the replicas were given or handed out: none may be in a log line. */
  const secrets: string[] = [];
  const provision = async (...args: Parameters<typeof provisionTenant>) => {
    const provisioned = await provisionTenant(...args);
    secrets.push(provisioned.tenant.apiKey, provisioned.webhook.secret);
    return provisioned;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const keys = testSecrets();
    const env: Record<string, string> = redis.url ? { REDIS_URL: redis.url } : {};
    one = await startGateway(db.url, logs, env, keys);
    two = await startGateway(db.url, logs, env, keys);
    secrets.push(keys.TRIBUTARY_SIGNING_KEY, keys.TRIBUTARY_ENCRYPTION_KEY, one.admin.key!, two.admin.key!);
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await db?.drop();
  });

  const messagesOf = async (trackingId: string) =>
    Number((await one.dataSource.query(`SELECT count(*) AS n FROM messaging.messages WHERE envelope->'data'->>'trackingId' = $1`, [trackingId]))[0].n);
  const via = (gateway: RunningGateway, url: string) => url.replace(/^http:\/\/127\.0\.0\.1:\d+/, gateway.base);

  it('answers a webhook-id repeated on the other replica with the original event, also when both get it at once', async () => {
    const { webhook } = await provision(one.admin, 'acme');
    const body = { ...payload, trackingId: 'PKG-TWO' };
    const first = await readJson(await sendStandardWebhook(via(one, webhook.url), webhook.secret, body, { id: 'msg_twice' }));
    const second = await readJson(await sendStandardWebhook(via(two, webhook.url), webhook.secret, body, { id: 'msg_twice' }));
    expect(second.eventId).toBe(first.eventId);
    const together = await Promise.all(
      [one, two, one, two].map(async (g) => readJson(await sendStandardWebhook(via(g, webhook.url), webhook.secret, { ...body, trackingId: 'PKG-BOTH' }, { id: 'msg_both' }))),
    );
    expect(new Set(together.map((a) => a.eventId)).size).toBe(1);
    expect([await messagesOf('PKG-TWO'), await messagesOf('PKG-BOTH')]).toEqual([1, 1]);
  });

  it('forgets a webhook-id once it is older than the idempotency window, and the retention deletes old receipts', async () => {
    const { webhook } = await provision(one.admin, 'window');
    const body = { ...payload, trackingId: 'PKG-OLD' };
    const first = await readJson(await sendStandardWebhook(via(one, webhook.url), webhook.secret, body, { id: 'msg_old' }));
    await one.dataSource.query(`UPDATE gateway.webhook_receipts SET received_at = now() - interval '2 days' WHERE webhook_id = $1`, [webhook.id]);
    const later = await readJson(await sendStandardWebhook(via(two, webhook.url), webhook.secret, body, { id: 'msg_old' }));
    expect(later.eventId).not.toBe(first.eventId);
    expect(await messagesOf('PKG-OLD')).toBe(2);
    // The retried delivery renewed the receipt: within the window again.
    expect((await readJson(await sendStandardWebhook(via(one, webhook.url), webhook.secret, body, { id: 'msg_old' }))).eventId).toBe(later.eventId);

    await one.dataSource.query(`INSERT INTO gateway.webhook_receipts (webhook_id, message_id, event_id, received_at) VALUES ($1, 'msg_ancient', $2, now() - interval '3 days')`, [
      webhook.id,
      randomUUID(),
    ]);
    expect(await one.app.get(ReceiptRetention).sweep()).toBeGreaterThanOrEqual(1);
    const left = await one.dataSource.query(`SELECT message_id FROM gateway.webhook_receipts WHERE webhook_id = $1 ORDER BY message_id`, [webhook.id]);
    expect(left.map((r: { message_id: string }) => r.message_id)).toEqual(['msg_old']);
  });

  itWithRedis('shares rate limits through Redis: what one replica accepted counts on the other', async () => {
    // A limit of 1/s: the first delivery on replica one uses the budget, so replica two refuses the
    // next one — unless a second passed in between (a very slow machine), then try again.
    let refusedOnTwo: Response | undefined;
    let webhookId = '';
    for (let attempt = 0; attempt < 3 && !refusedOnTwo; attempt++) {
      const { webhook } = await provision(one.admin, `limited ${attempt}`, { rateLimitPerSecond: 1 });
      webhookId = webhook.id;
      expect((await sendStandardWebhook(via(one, webhook.url), webhook.secret, payload)).status).toBe(202);
      const answer = await sendStandardWebhook(via(two, webhook.url), webhook.secret, payload);
      if (answer.status === 429) refusedOnTwo = answer;
    }
    expect(refusedOnTwo?.status).toBe(429);
    expect(Number(refusedOnTwo!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const client = new Redis(redis.url!);
    try {
      expect(await client.exists(`tributary:rl:w:${webhookId}`)).toBe(1);
    } finally {
      client.disconnect();
    }
  });

  it('logs no key, token or webhook secret on either replica', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.leaked(secrets)).toEqual([]);
  });
});
