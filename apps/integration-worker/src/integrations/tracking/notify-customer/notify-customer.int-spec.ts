import { eventually, startFakeCarrierApi, type FakeCarrierApi } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { startSmtpSink, type SmtpSink } from '../../../../../../test/support/smtp-sink.js';
import { startWorker, type RunningWorker } from '../../../../../../test/support/worker-fixture.js';

/** The mail's text as the customer reads it (quoted-printable undone). */
const readable = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\r\n/g, '\n');

describe('notification mails lead to the carrier tracking page', () => {
  let smtp: SmtpSink;
  let dhl: FakeCarrierApi;
  let worker: RunningWorker;
  let acme: { id: string; apiKey: string };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    dhl = await startFakeCarrierApi('dhl');
    worker = await startWorker({ SMTP_URL: smtp.url });
    acme = await worker.tenant('acme');
  });

  afterAll(async () => {
    await worker?.stop();
    await smtp?.stop();
    await dhl?.stop();
  });

  it('a poll that moves a parcel mails its customer the DHL tracking URL in their language', async () => {
    const put = await worker.call(acme.apiKey, 'PUT', '/v1/tracking/packages/JJD-MAIL-1/recipient', { email: 'grete@example.com', language: 'de', consent: true });
    expect(put.status).toBe(200);
    await worker.publish(Topics.packageUpdated, { trackingId: 'JJD-MAIL-1', carrier: 'dhl', status: 'pre_transit', carrierStatus: 'announced', occurredAt: '2026-12-01T08:00:00.000Z' }, acme.id);
    await eventually(async () => smtp.mails.filter((m) => m.to.includes('grete@example.com')).length, (n) => n === 1, { timeoutMs: 30_000 });

    dhl.scan('JJD-MAIL-1', { code: 'transit', description: 'Processed in the parcel center', at: '2026-12-01T10:00:00.000Z' });
    const deployment = await worker.call(acme.apiKey, 'POST', '/v1/deployments', {
      integration: 'tracking',
      name: 'dhl',
      config: { carrier: 'dhl', baseUrl: dhl.url },
      credentials: { apiKey: dhl.secret },
      allowPrivateNetwork: true,
    });
    const action = await worker.call(acme.apiKey, 'POST', `/v1/deployments/${deployment.body.id}/actions`, { method: 'poll-carrier' });
    expect((await worker.call(acme.apiKey, 'POST', `/v1/actions/${action.body.id}/runs`, { input: {} })).status).toBe(202);

    const mails = await eventually(async () => smtp.mails.filter((m) => m.to.includes('grete@example.com')), (m) => m.length === 2, { timeoutMs: 30_000 });
    const url = 'https://www.dhl.com/de-de/home/tracking/tracking-parcel.html?submit=1&tracking-id=JJD-MAIL-1';
    expect(mails.map((m) => readable(m.raw))).toEqual([expect.stringContaining(`Verfolgen Sie Ihr Paket: ${url}`), expect.stringContaining(`Verfolgen Sie Ihr Paket: ${url}`)]);
    expect(readable(mails[1].raw)).toContain('Ihr Paket JJD-MAIL-1 ist mit DHL unterwegs.');
  });

  it('counts the notifications by channel and outcome, and the poll’s outbound attempts by status class, on /metrics', async () => {
    const sample = async (name: string, labels: Record<string, string>) => {
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    // The two mails of the test above; the carrier API answered the poll with a 200.
    expect(await sample('tributary_notifications_total', { channel: 'smtp', outcome: 'sent' })).toBe(2);
    expect(await sample('tributary_outbound_http_attempts_total', { outcome: '2xx' })).toBeGreaterThan(0);
    expect(await sample('tributary_outbound_http_attempts_total', { outcome: '5xx' })).toBe(0);
    // A parcel nobody asked to hear about, twice (the same change delivered again): skipped each time, nothing mailed.
    const change = { trackingId: 'JJD-NOBODY', carrier: 'dhl', status: 'pre_transit', carrierStatus: 'announced', occurredAt: '2026-12-01T08:00:00.000Z' } as const;
    await worker.publish(Topics.packageUpdated, change, acme.id);
    await worker.publish(Topics.packageUpdated, change, acme.id);
    await eventually(() => sample('tributary_notifications_total', { channel: 'smtp', outcome: 'no_recipient' }), (n) => n >= 1, { timeoutMs: 30_000 });
    expect(smtp.mails.filter((m) => m.raw.includes('JJD-NOBODY'))).toEqual([]);
    expect(await sample('tributary_notifications_total', { channel: 'smtp', outcome: 'sent' })).toBe(2);
  });
});
