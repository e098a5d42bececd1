import { randomUUID } from 'node:crypto';
import { sendStandardWebhook } from '@tributary/testing';
import { createTestDatabase, LogCapture, provisionTenant, startGateway, type RunningGateway, type TestDatabase } from '../../../../../test/support/gateway-harness.js';

const payload = { trackingId: 'PKG-M', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };

/** `tributary_webhook_deliveries_total{verifier, status, code}` after real deliveries. */
describe('webhook delivery outcomes on /metrics', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(db.url, new LogCapture());
  });

  afterAll(async () => {
    await gateway?.close();
    await db?.drop();
  });

  const deliveries = async (labels: Record<string, string>) => {
    const text = await (await fetch(`${gateway.base}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('tributary_webhook_deliveries_total{') && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };

  it('counts accepted, repeated and refused deliveries by verifier and code', async () => {
    const { webhook } = await provisionTenant(gateway.admin, 'acme');
    // The same delivery twice: accepted, then answered as a repeat.
    expect((await sendStandardWebhook(webhook.url, webhook.secret, payload, { id: 'msg_metrics' })).status).toBe(202);
    expect((await sendStandardWebhook(webhook.url, webhook.secret, payload, { id: 'msg_metrics' })).status).toBe(202);
    // A wrong secret, twice.
    const wrong = `whsec_${Buffer.from('not the secret of this webhook!!').toString('base64')}`;
    expect((await sendStandardWebhook(webhook.url, wrong, payload, { id: 'msg_forged' })).status).toBe(401);
    expect((await sendStandardWebhook(webhook.url, wrong, payload, { id: 'msg_forged' })).status).toBe(401);
    // No such webhook: no verifier to name.
    const unknown = webhook.url.replace(webhook.id, randomUUID());
    expect((await sendStandardWebhook(unknown, webhook.secret, payload, { id: 'msg_nowhere' })).status).toBe(404);

    const verifier = 'standard-webhooks';
    expect(await deliveries({ verifier, status: '202', code: 'accepted' })).toBe(1);
    expect(await deliveries({ verifier, status: '202', code: 'repeat' })).toBe(1);
    expect(await deliveries({ verifier, status: '401', code: 'signature_invalid' })).toBe(2);
    expect(await deliveries({ verifier: 'none', status: '404', code: 'webhook_not_found' })).toBe(1);
  });
});
