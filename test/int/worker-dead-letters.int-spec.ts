import { eventually } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { run } from '../../apps/cli/src/main.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

// A carrier update the worker's normalizer rejects (empty carrier): non-retryable, dead-lettered at once.
const invalid = (trackingId: string) => ({ trackingId, carrier: '', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' }) as CarrierUpdateReceived;

describe('dead letters through the worker admin API and `tributary dlq`', () => {
  let worker: RunningWorker;
  let acme: { id: string; apiKey: string };
  let globex: { id: string; apiKey: string };
  let acmeLetter: string;
  let globexLetter: string;

  const letters = (key: string, query = '') => worker.call(key, 'GET', `/v1/dead-letters${query}`);
  const cli = (...argv: string[]) => run(argv, { TRIBUTARY_WORKER_URL: worker.url, TRIBUTARY_ADMIN_KEY: worker.adminKey });

  beforeAll(async () => {
    worker = await startWorker();
    acme = await worker.tenant('acme');
    globex = await worker.tenant('globex');
    const a = await worker.publish(Topics.carrierUpdateReceived, invalid('PKG-ACME'), acme.id);
    const g = await worker.publish(Topics.carrierUpdateReceived, invalid('PKG-GLOBEX'), globex.id);
    const all = await eventually(async () => (await letters(worker.adminKey)).body.items, (items) => items?.length === 2, { timeoutMs: 30_000 });
    acmeLetter = all.find((l: { messageId: string }) => l.messageId === a.id).id;
    globexLetter = all.find((l: { messageId: string }) => l.messageId === g.id).id;
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('lists every group\'s dead letters to the platform admin, with the error and attempts', async () => {
    const { status, body } = await letters(worker.adminKey, '?group=integration-worker');
    expect(status).toBe(200);
    expect(body.items.map((l: { id: string }) => l.id).sort()).toEqual([acmeLetter, globexLetter].sort());
    expect(body.items[0]).toMatchObject({ group: 'integration-worker', topic: 'tracking.carrier-update.received', errorCode: 'payload_invalid', attempts: 1, status: 'dead', redrives: 0 });
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toContain('tributary_dead_letters{group="integration-worker",topic="tracking.carrier-update.received",app="integration-worker"} 2');
  });

  it('shows a tenant only its own dead letters, on every route', async () => {
    const mine = await letters(acme.apiKey);
    expect(mine.body.items.map((l: { id: string }) => l.id)).toEqual([acmeLetter]);
    expect((await worker.call(acme.apiKey, 'GET', `/v1/dead-letters/${acmeLetter}`)).body.envelope.data.trackingId).toBe('PKG-ACME');
    for (const [method, path] of [
      ['GET', `/v1/dead-letters/${globexLetter}`],
      ['POST', `/v1/dead-letters/${globexLetter}/redrive`],
      ['POST', `/v1/dead-letters/${globexLetter}/discard`],
    ]) {
      const answer = await worker.call(acme.apiKey, method, path);
      expect({ path, status: answer.status, code: answer.body.error.code }).toEqual({ path, status: 404, code: 'dead_letter_not_found' });
    }
    expect((await worker.call(globex.apiKey, 'GET', `/v1/dead-letters/${globexLetter}`)).body.status).toBe('dead');
  });

  it('refuses bad requests with coded errors and changes nothing', async () => {
    const reader = await worker.tenant('initech', 'read_only');
    const cases: Array<[string | undefined, string, string, number, string]> = [
      [undefined, 'GET', '/v1/dead-letters', 401, 'unauthenticated'],
      ['trb_notakey', 'GET', '/v1/dead-letters', 401, 'unauthenticated'],
      [worker.adminKey, 'GET', '/v1/dead-letters?status=buried', 400, 'validation_failed'],
      [worker.adminKey, 'GET', '/v1/dead-letters?limit=0', 400, 'validation_failed'],
      [worker.adminKey, 'GET', '/v1/dead-letters/not-a-number', 404, 'dead_letter_not_found'],
      [reader.apiKey, 'POST', `/v1/dead-letters/${acmeLetter}/discard`, 403, 'read_only_key'],
    ];
    for (const [key, method, path, status, code] of cases) {
      const answer = await worker.call(key, method, path);
      expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status, body: { error: expect.objectContaining({ code }), traceId: expect.any(String) } });
    }
    expect((await worker.call(worker.adminKey, 'GET', `/v1/dead-letters/${acmeLetter}`)).body.status).toBe('dead');
  });

  it('redrives through the CLI: the message is retried, fails again the same way and is dead again, counted', async () => {
    const redriven = await cli('dlq', 'redrive', '--id', acmeLetter);
    expect(redriven.exitCode).toBe(0);
    expect(JSON.parse(redriven.stdout)).toMatchObject({ id: acmeLetter, status: 'redriven', redrives: 1 });
    const again = await eventually(
      async () => JSON.parse((await cli('dlq', 'show', '--id', acmeLetter)).stdout),
      (l) => l.status === 'dead',
      { timeoutMs: 30_000 },
    );
    expect(again).toMatchObject({ errorCode: 'payload_invalid', redrives: 1, envelope: { data: { trackingId: 'PKG-ACME' } } });
    const listed = JSON.parse((await cli('dlq', 'list', '--group', 'integration-worker')).stdout);
    expect(listed.items.map((l: { id: string }) => l.id).sort()).toEqual([acmeLetter, globexLetter].sort());
  });

  it('discards through the CLI, once', async () => {
    const discarded = await cli('dlq', 'discard', '--id', globexLetter);
    expect(JSON.parse(discarded.stdout)).toMatchObject({ id: globexLetter, status: 'discarded' });
    const twice = await cli('dlq', 'discard', '--id', globexLetter);
    expect(twice.exitCode).toBe(1);
    expect(JSON.parse(twice.stderr)).toMatchObject({ error: { code: 'dead_letter_not_dead' }, status: 409 });
    expect(JSON.parse((await cli('dlq', 'list', '--status', 'discarded')).stdout).items.map((l: { id: string }) => l.id)).toEqual([globexLetter]);
    const usage = await cli('dlq', 'show', '--id', 'abc');
    expect(usage.exitCode).toBe(2);
  });
});
