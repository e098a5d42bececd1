import { randomUUID } from 'node:crypto';
import { sendStandardWebhook, testSecrets } from '@tributary/testing';
import { allTopics } from '@tributary/topics';
import { createTestDatabase, LogCapture, provisionTenant, readJson, startGateway, type RunningGateway, type TestDatabase } from '../../../../test/support/gateway-harness.js';
import { IngestLog } from '../ingest/ingest-log.js';

const OVERVIEW = `{ operatorOverview { topics { topic partitions messages } deadLetterCount deadLetters { id group topic messageId tenantId errorCode attempts }
  instances { app instanceId } recentMessages { topic messageId tenantId } recentDeliveries { webhookId status eventId } } }`;
const REDRIVE = `mutation ($id: ID!) { redriveDeadLetter(id: $id) { id topic messageId } }`;

interface Overview {
  topics: { topic: string; partitions: number; messages: string }[];
  deadLetterCount: number;
  deadLetters: { id: string; group: string; topic: string; messageId: string; tenantId: string | null; errorCode: string; attempts: number }[];
  instances: { app: string; instanceId: string }[];
  recentMessages: { topic: string; messageId: string; tenantId: string | null }[];
  recentDeliveries: { webhookId: string; status: number; eventId: string | null }[];
}

/**
 * The operator page's API at /ui/graphql (HTTP): given a delivery and a dead letter, the overview shows the topics,
 * this gateway's instance, the message and the delivery it made, and the dead letter; the redrive sends the dead
 * letter back. Platform admin key only.
 */
describe('operator API /ui/graphql', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  const logs = new LogCapture();
  let deliveredEvent: string;
  let webhookId: string;
  let deadLetterId: string;
  const deadMessageId = randomUUID();
  const secrets = testSecrets();

  const post = async (key: string | undefined, query: string, variables: Record<string, unknown> = {}) =>
    readJson(
      await fetch(`${gateway.base}/ui/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      }),
    ) as Promise<{ data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] }>;
  const overview = async () => (await post(gateway.admin.key, OVERVIEW)).data!.operatorOverview as Overview;

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, logs, {}, secrets);
    const tenant = await provisionTenant(gateway.admin, 'acme');
    webhookId = tenant.webhook.id;
    const response = await sendStandardWebhook(tenant.webhook.url, tenant.webhook.secret, {
      trackingId: 'PKG-1',
      carrier: 'DHL',
      status: 'In Transit',
      occurredAt: '2026-11-23T10:00:00Z',
    });
    deliveredEvent = ((await readJson(response)) as { eventId: string }).eventId;
    const topic = 'tracking.carrier-update.received';
    const [row] = await gateway.dataSource.query<{ id: string }[]>(
      `INSERT INTO messaging.dead_letters (group_id, topic, partition, "offset", message_id, tenant_id, envelope, error_code, error_message, attempts)
       VALUES ('integration-worker', $1, 0, 0, $2, $3, $4, 'handler_failed', 'boom', 5) RETURNING id::text AS id`,
      [topic, deadMessageId, tenant.tenant.id, { id: deadMessageId, type: topic, tenantid: tenant.tenant.id, subject: 'PKG-1', data: {} }],
    );
    deadLetterId = row.id;
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  it('shows the platform now: every topic, this instance, the delivery and the message it made, the dead letter', async () => {
    const now = await overview();
    expect(now.topics.map((t) => t.topic).sort()).toEqual(allTopics.map((t) => t.name).sort());
    expect(now.topics.every((t) => t.partitions > 0)).toBe(true);
    expect(now.topics.find((t) => t.topic === 'tracking.carrier-update.received')!.messages).toBe('1');
    expect(now.instances.map((i) => i.app)).toContain('gateway');
    expect(now.recentMessages).toContainEqual(expect.objectContaining({ topic: 'tracking.carrier-update.received', messageId: deliveredEvent }));
    expect(now.recentDeliveries).toContainEqual({ webhookId, status: 202, eventId: deliveredEvent });
    expect(now.deadLetterCount).toBe(1);
    expect(now.deadLetters).toEqual([
      expect.objectContaining({ id: deadLetterId, group: 'integration-worker', messageId: deadMessageId, errorCode: 'handler_failed', attempts: 5 }),
    ]);
  });

  it("shows another replica's refusals, from the delivery log, with code and trace id, once", async () => {
    // A second replica of the gateway on the same database and keys.
    const other = await startGateway(db.url, logs, {}, secrets);
    try {
      const tenant = await provisionTenant(gateway.admin, 'replica');
      const wrongSecret = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
      const refused = await sendStandardWebhook(tenant.webhook.url.replace(gateway.base, other.base), wrongSecret, { trackingId: 'PKG-R' });
      expect(refused.status).toBe(401);
      const { traceId } = (await readJson(refused)) as { traceId: string };
      await other.app.get(IngestLog).flush();
      const query = `{ operatorOverview { recentDeliveries { webhookId status code traceId } } }`;
      const seen = ((await post(gateway.admin.key, query)).data!.operatorOverview as { recentDeliveries: { traceId: string }[] }).recentDeliveries;
      expect(seen.filter((d) => d.traceId === traceId)).toEqual([{ webhookId: tenant.webhook.id, status: 401, code: 'signature_invalid', traceId }]);
    } finally {
      await other.close();
    }
  });

  it('refuses everyone but the platform admin', async () => {
    const tenant = await gateway.admin.create('/v1/tenants', { name: 'globex' });
    expect((await post(tenant.apiKey, OVERVIEW)).errors?.[0]?.extensions?.code).toBe('admin_required');
    expect((await post(undefined, OVERVIEW)).errors?.[0]?.extensions?.code).toBe('unauthenticated');
    expect((await post(tenant.apiKey, REDRIVE, { id: deadLetterId })).errors?.[0]?.extensions?.code).toBe('admin_required');
  });

  it('redrives a dead letter once: it leaves the waiting list', async () => {
    expect((await post(gateway.admin.key, REDRIVE, { id: 'x' })).errors?.[0]?.extensions?.code).toBe('dead_letter_id_invalid');
    expect((await post(gateway.admin.key, REDRIVE, { id: '999999' })).errors?.[0]?.extensions?.code).toBe('dead_letter_not_found');
    const answer = await post(gateway.admin.key, REDRIVE, { id: deadLetterId });
    expect(answer.data?.redriveDeadLetter).toEqual({ id: deadLetterId, topic: 'tracking.carrier-update.received', messageId: deadMessageId });
    const after = await overview();
    expect([after.deadLetterCount, after.deadLetters]).toEqual([0, []]);
    expect((await post(gateway.admin.key, REDRIVE, { id: deadLetterId })).errors?.[0]?.extensions?.code).toBe('dead_letter_not_dead');
  });
});
