import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@tributary/testing';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

// A carrier update the worker's normalizer rejects (empty carrier): non-retryable, dead-lettered at once.
const invalid = (trackingId: string) => ({ trackingId, carrier: '', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' }) as CarrierUpdateReceived;
const TOPIC = 'tracking.carrier-update.received';

/** `tributary dlq redrive|discard` by filter, through the real CLI (its `run`) against a running worker. */
describe('tributary dlq redrive/discard by filter', () => {
  let worker: RunningWorker;
  let acme: { id: string; apiKey: string };
  let dir: string;
  const progress: Array<{ line: string; done: boolean }> = [];

  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const asAdmin = (...argv: string[]) => run(argv, { TRIBUTARY_WORKER_URL: worker.url, TRIBUTARY_ADMIN_KEY: worker.adminKey }, dir, { progress: (line, done) => progress.push({ line, done }) });
  const asAcme = (...argv: string[]) => run(argv, { TRIBUTARY_WORKER_URL: worker.url, TRIBUTARY_API_KEY: acme.apiKey }, dir, { progress: (line, done) => progress.push({ line, done }) });
  const dead = async () => (await worker.call(worker.adminKey, 'GET', '/v1/dead-letters?limit=500')).body.items as Array<{ id: string; redrives: number; tenantId: string }>;
  const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

  beforeAll(async () => {
    worker = await startWorker();
    acme = await worker.tenant('cli-bulk-acme');
    const globex = await worker.tenant('cli-bulk-globex');
    for (let i = 0; i < 3; i++) await worker.publish(Topics.carrierUpdateReceived, invalid(`PKG-CLI-BULK-${i}`), acme.id);
    await worker.publish(Topics.carrierUpdateReceived, invalid('PKG-CLI-BULK-G'), globex.id);
    await eventually(dead, (items) => items?.length === 4, { timeoutMs: 30_000 });
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-dlq-'));
  });

  beforeEach(() => {
    progress.length = 0;
  });

  afterAll(async () => {
    await worker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run prints the count and a sample and changes nothing; a tenant key counts its own only', async () => {
    const before = JSON.stringify(await dead());
    const all = await asAdmin('dlq', 'redrive', '--topic', TOPIC, '--since', hourAgo(), '--dry-run');
    expect(all).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(all)).toMatchObject({ dryRun: true, matched: 4, done: 0, remaining: 4 });
    const own = json(await asAcme('dlq', 'discard', '--topic', TOPIC, '--dry-run'));
    expect(own.matched).toBe(3);
    expect(own.sample.every((l: { tenantId: string }) => l.tenantId === acme.id)).toBe(true);
    expect(JSON.stringify(await dead())).toBe(before);
    expect(progress).toEqual([]);
  });

  it('redrives every match with a progress line (done / total); the messages are handled again; a second run finds nothing', async () => {
    const result = await asAdmin('dlq', 'redrive', '--topic', TOPIC, '--since', hourAgo());
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(json(result)).toMatchObject({ dryRun: false, matched: 4, done: 4, remaining: 0 });
    expect(progress[0]).toEqual({ line: `redrive [${'-'.repeat(30)}]   0%  0/4 dead letters`, done: false });
    expect(progress.at(-1)).toEqual({ line: `redrive [${'#'.repeat(30)}] 100%  4/4 dead letters`, done: true });
    // Handled again, failing the same way: dead again, once redriven.
    await eventually(dead, (items) => items.length === 4 && items.every((l) => l.redrives === 1), { timeoutMs: 30_000 });

    progress.length = 0;
    const started = new Date().toISOString();
    const again = json(await asAdmin('dlq', 'redrive', '--topic', TOPIC, '--since', started));
    expect(again).toMatchObject({ matched: 0, done: 0, remaining: 0 });
    expect(progress).toEqual([{ line: `redrive [${'#'.repeat(30)}] 100%  0/0 dead letters`, done: true }]);
  });

  it("discards with a tenant key its own letters only, at most --limit", async () => {
    const first = json(await asAcme('dlq', 'discard', '--code', 'payload_invalid', '--limit', '2'));
    expect(first).toMatchObject({ matched: 3, done: 2, remaining: 1 });
    expect(progress.at(-1)).toEqual({ line: `discard [${'#'.repeat(30)}] 100%  2/2 dead letters`, done: true });
    const rest = json(await asAcme('dlq', 'discard', '--code', 'payload_invalid'));
    expect(rest).toMatchObject({ matched: 1, done: 1, remaining: 0 });
    const left = await dead();
    expect(left).toHaveLength(1);
    expect(left[0].tenantId).not.toBe(acme.id);
  });

  it('refuses no filter and a bad instant on the command line (exit 2), a bad code at the worker (exit 1)', async () => {
    const none = await asAdmin('dlq', 'redrive');
    expect([none.exitCode, json(none).error.code]).toEqual([2, 'option_invalid']);
    const since = await asAdmin('dlq', 'redrive', '--topic', TOPIC, '--since', 'yesterday');
    expect([since.exitCode, json(since).error.code]).toEqual([2, 'option_invalid']);
    const code = await asAdmin('dlq', 'discard', '--code', 'Not A Code');
    expect([code.exitCode, json(code).error.code]).toEqual([1, 'validation_failed']);
    expect(await dead()).toHaveLength(1);
  });
});
