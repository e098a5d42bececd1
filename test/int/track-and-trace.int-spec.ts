import { PostgresMessageLog, type Envelope } from '@tributary/messaging';
import { eventually } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived, type DpdPushReceived, type EasyPostEventReceived } from '@tributary/topics';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour)).toISOString();
const update = (trackingId: string, status: string, hour: number): CarrierUpdateReceived => ({ trackingId, carrier: 'DHL', status, occurredAt: at(hour) });

/** What the worker put on a topic for a tenant's package. */
async function published(worker: RunningWorker, topic: string, tenantId: string, trackingId: string): Promise<Envelope<Record<string, unknown>>[]> {
  const rows = await worker.dataSource.query(
    `SELECT envelope FROM messaging.messages WHERE topic = $1 AND envelope->>'tenantid' = $2 AND envelope->>'subject' = $3 ORDER BY appended_at, "offset"`,
    [topic, tenantId, trackingId],
  );
  return rows.map((r: { envelope: Envelope<Record<string, unknown>> }) => r.envelope);
}

/** Appends envelopes to the log again as they are: what a redelivery looks like to the worker. */
async function redeliver(worker: RunningWorker, envelopes: Envelope[]): Promise<void> {
  await worker.dataSource.transaction((m) => worker.app.get(PostgresMessageLog).append(m, envelopes));
}

describe('track & trace with notifications over a real SMTP server', () => {
  let smtp: SmtpSink;
  let worker: RunningWorker;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };

  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  const setRecipient = (tenant: { apiKey: string }, trackingId: string, body: object) =>
    worker.call(tenant.apiKey, 'PUT', `/v1/tracking/packages/${trackingId}/recipient`, body);
  const pkg = (tenant: { apiKey: string }, trackingId: string) => worker.call(tenant.apiKey, 'GET', `/v1/tracking/packages/${trackingId}`);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    worker = await startWorker({ SMTP_URL: smtp.url });
    acme = await worker.tenant('acme');
    globex = await worker.tenant('globex');
  });

  afterAll(async () => {
    await worker?.stop();
    await smtp?.stop();
  });

  it('mails the customer exactly once per transition, though every update and every transition arrives three times', async () => {
    expect((await setRecipient(acme, 'PKG-1', { email: 'ada@example.com', language: 'en', consent: true })).status).toBe(200);
    const steps: Array<[string, number]> = [['Label created', 8], ['In Transit', 9], ['Out for delivery', 10], ['Delivered', 11]];
    for (const [status, hour] of steps) {
      // The carrier sends each update three times (new webhook ids each time) …
      for (let i = 0; i < 3; i++) await worker.publish(Topics.carrierUpdateReceived, update('PKG-1', status, hour), acme.id);
    }
    const changes = await eventually(() => published(worker, Topics.packageStateChanged.name, acme.id, 'PKG-1'), (c) => c.length === 4, { timeoutMs: 30_000 });
    // … and every transition is delivered twice more, as after a crash between effect and commit.
    await redeliver(worker, [...changes, ...changes]);
    // A later transition of the same package is handled after those redeliveries (per-key order): the barrier.
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-1', 'Return to sender', 12), acme.id);
    await eventually(async () => mailsTo('ada@example.com').map((m) => m.subject), (s) => s.some((x) => x.includes('going back')), { timeoutMs: 30_000 });

    const mails = mailsTo('ada@example.com');
    expect(mails.map((m) => m.subject)).toEqual([
      'Your parcel PKG-1 is announced',
      'Your parcel PKG-1 is on its way',
      'Your parcel PKG-1 arrives today',
      'Your parcel PKG-1 was delivered',
      'Your parcel PKG-1 is going back',
    ]);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(5);
    const sent = await eventually(() => published(worker, Topics.notificationSent.name, acme.id, 'PKG-1'), (s) => s.length === 5);
    expect(sent.map((e) => [e.data.state, e.data.version, e.data.channel, e.data.confirmed])).toEqual([
      ['pre_transit', 1, 'smtp', true],
      ['in_transit', 2, 'smtp', true],
      ['out_for_delivery', 3, 'smtp', true],
      ['delivered', 4, 'smtp', true],
      ['returned', 5, 'smtp', true],
    ]);
    expect(sent.map((e) => e.data.messageId)).toEqual(mails.map((m) => m.messageId));
  });

  it('never moves a package backwards when carrier updates arrive out of order, and keeps them in its history', async () => {
    await setRecipient(acme, 'PKG-2', { email: 'bob@example.com', language: 'de', consent: true });
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-2', 'Delivered', 11), acme.id);
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-2', 'In Transit', 9), acme.id);
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-2', 'Out for delivery', 10), acme.id);
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-2', 'In Transit', 12), acme.id); // newer, but backwards
    const state = await eventually(async () => (await pkg(acme, 'PKG-2')).body, (b) => b.events?.length === 4, { timeoutMs: 30_000 });
    expect(state).toMatchObject({ trackingId: 'PKG-2', status: 'delivered', statusAt: at(11), version: 1 });
    expect(state.events.map((e: { status: string; outcome: string }) => [e.status, e.outcome])).toEqual([
      ['in_transit', 'stale'],
      ['out_for_delivery', 'stale'],
      ['delivered', 'applied'],
      ['in_transit', 'regression'],
    ]);
    expect(await published(worker, Topics.packageStateChanged.name, acme.id, 'PKG-2')).toHaveLength(1);
    await eventually(async () => mailsTo('bob@example.com').length, (n) => n === 1, { timeoutMs: 30_000 });
    expect(mailsTo('bob@example.com')[0].subject).toBe('Ihr Paket PKG-2 wurde zugestellt');
  });

  it('mails no one without consent or after an opt-out, recording why', async () => {
    await setRecipient(acme, 'PKG-3', { email: 'carl@example.com', language: 'en', consent: false });
    await setRecipient(acme, 'PKG-4', { email: 'Dora@Example.com', language: 'en', consent: true });
    expect((await worker.call(acme.apiKey, 'POST', '/v1/tracking/opt-outs', { email: 'dora@example.com' })).status).toBe(204);
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-3', 'In Transit', 9), acme.id);
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-4', 'In Transit', 9), acme.id);
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-5', 'In Transit', 9), acme.id);
    const skips = await eventually(
      () => worker.dataSource.query(`SELECT skip_reason FROM worker.runs WHERE method = 'notify-customer' AND state = 'skip' AND tenant_id = $1 ORDER BY skip_reason`, [acme.id]),
      (rows) => rows.length === 3,
      { timeoutMs: 30_000 },
    );
    expect(skips.map((r: { skip_reason: string }) => r.skip_reason)).toEqual(['no_consent', 'no_recipient', 'opted_out']);
    expect(mailsTo('carl@example.com')).toEqual([]);
    expect(smtp.mails.filter((m) => m.to.some((t) => t.toLowerCase() === 'dora@example.com'))).toEqual([]);
  });

  it('understands DPD-style pushes and EasyPost-style tracker events', async () => {
    const dpd: DpdPushReceived = { pushid: 'p1', pnr: '01234567890123', status: 'delivery_carload', statusdate: '23112026093000', depot: '0176' };
    await worker.publish(Topics.dpdPushReceived, dpd, acme.id);
    const easypost = {
      id: 'evt_1',
      object: 'Event',
      description: 'tracker.updated',
      result: {
        id: 'trk_1',
        object: 'Tracker',
        tracking_code: 'EZ1000000001',
        carrier: 'USPS',
        status: 'delivered',
        updated_at: at(15),
        tracking_details: [
          { status: 'pre_transit', message: 'Pre-Shipment Info Sent to USPS', datetime: at(8) },
          { status: 'in_transit', message: 'Arrived at USPS Facility', datetime: at(10) },
          { status: 'delivered', message: 'Delivered, In/At Mailbox', datetime: at(14) },
        ],
        fees: [],
      },
    } as EasyPostEventReceived;
    await worker.publish(Topics.easyPostEventReceived, easypost, acme.id);
    const dpdState = await eventually(async () => (await pkg(acme, '01234567890123')).body, (b) => b.status !== undefined, { timeoutMs: 30_000 });
    expect(dpdState).toMatchObject({ carrier: 'dpd', status: 'out_for_delivery', statusAt: '2026-11-23T09:30:00.000Z' });
    const ezState = await eventually(async () => (await pkg(acme, 'EZ1000000001')).body, (b) => b.events?.length === 3, { timeoutMs: 30_000 });
    expect(ezState).toMatchObject({ carrier: 'usps', status: 'delivered', version: 3 });
  });

  it("shows a tenant only its own packages and refuses bad input with coded errors, storing nothing", async () => {
    expect((await pkg(globex, 'PKG-1')).status).toBe(404);
    expect((await worker.call(globex.apiKey, 'GET', '/v1/tracking/mailbox')).body).toEqual({ items: [] });
    const cases: Array<[string | undefined, string, string, unknown, number, string]> = [
      [acme.apiKey, 'PUT', '/v1/tracking/packages/PKG-9/recipient', { email: 'not-an-address', language: 'en', consent: true }, 400, 'validation_failed'],
      [acme.apiKey, 'PUT', '/v1/tracking/packages/PKG-9/recipient', { email: 'x@example.com', language: 'xx', consent: true }, 400, 'validation_failed'],
      [acme.apiKey, 'PUT', '/v1/tracking/packages/PKG-9/recipient', '{"email":', 400, 'invalid_json'],
      [acme.apiKey, 'PUT', `/v1/tracking/packages/${'x'.repeat(129)}/recipient`, { email: 'x@example.com', language: 'en', consent: true }, 400, 'tracking_id_invalid'],
      [worker.adminKey, 'PUT', '/v1/tracking/packages/PKG-9/recipient', { email: 'x@example.com', language: 'en', consent: true }, 403, 'tenant_required'],
      [undefined, 'GET', '/v1/tracking/packages/PKG-1', undefined, 401, 'unauthenticated'],
    ];
    for (const [key, method, path, body, status, code] of cases) {
      const answer = await worker.call(key, method, path, body);
      expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
    }
    expect(await worker.dataSource.query(`SELECT * FROM worker.package_recipients WHERE tracking_id = 'PKG-9'`)).toEqual([]);
  });
});

describe('track & trace without SMTP: the local mailbox', () => {
  let worker: RunningWorker;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };

  beforeAll(async () => {
    worker = await startWorker();
    acme = await worker.tenant('acme');
    globex = await worker.tenant('globex');
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('writes one mail per transition to the tenant\'s mailbox, readable through the API, under triple redelivery', async () => {
    await worker.call(acme.apiKey, 'PUT', '/v1/tracking/packages/PKG-M/recipient', { email: 'eve@example.com', language: 'de', consent: true });
    // acme's own wording for deliveries in German; another tenant's template changes nothing for acme.
    const own = await worker.call(acme.apiKey, 'PUT', '/v1/tracking/templates/delivered/de', { subject: 'ACME: {trackingId} ist da', text: '{carrier} hat {trackingId} gebracht.' });
    expect(own.status).toBe(200);
    await worker.call(globex.apiKey, 'PUT', '/v1/tracking/templates/delivered/de', { subject: 'GLOBEX {trackingId}', text: 'x' });
    for (const [path, code] of [['/v1/tracking/templates/unknown/de', 'template_invalid'], ['/v1/tracking/templates/delivered/fr', 'template_invalid']]) {
      const refused = await worker.call(acme.apiKey, 'PUT', path, { subject: 's', text: 't' });
      expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 400, code });
    }
    for (let i = 0; i < 3; i++) await worker.publish(Topics.carrierUpdateReceived, update('PKG-M', 'In Transit', 9), acme.id);
    const [change] = await eventually(() => published(worker, Topics.packageStateChanged.name, acme.id, 'PKG-M'), (c) => c.length === 1, { timeoutMs: 30_000 });
    await redeliver(worker, [change, change]);
    await worker.publish(Topics.carrierUpdateReceived, update('PKG-M', 'Delivered', 10), acme.id);
    const mailbox = await eventually(async () => (await worker.call(acme.apiKey, 'GET', '/v1/tracking/mailbox')).body.items, (items) => items.length >= 2, { timeoutMs: 30_000 });
    expect(mailbox.map((m: { subject: string; to: string }) => [m.subject, m.to])).toEqual([
      ['ACME: PKG-M ist da', 'eve@example.com'],
      ['Ihr Paket PKG-M ist unterwegs', 'eve@example.com'],
    ]);
    const sent = await published(worker, Topics.notificationSent.name, acme.id, 'PKG-M');
    expect(sent.map((e) => [e.data.channel, e.data.version])).toEqual([['mailbox', 1], ['mailbox', 2]]);
    expect((await worker.call(globex.apiKey, 'GET', '/v1/tracking/mailbox')).body.items).toEqual([]);
  });
});
