import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Webhook } from 'standardwebhooks';
import type { HttpLoadOptions, HttpLoadResult } from './http-load.js';

const options = JSON.parse(process.argv[2]) as HttpLoadOptions;
// Unique across runs too, so a delivery is never taken for a retry of an earlier one.
const runId = randomBytes(6).toString('hex');
const signer = options.webhookSecret ? new Webhook(options.webhookSecret) : undefined;
let sequence = 0;

/** A new body (and, for webhooks, a new webhook-id and signature) for every request autocannon sends. */
function setupRequest(request: autocannon.Request): autocannon.Request {
  const n = ++sequence;
  const body = options.bodyTemplate.replaceAll('{n}', String(n));
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signer) {
    const id = `msg_bench_${runId}_${n}`;
    const timestamp = new Date();
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(Math.floor(timestamp.getTime() / 1000));
    headers['webhook-signature'] = signer.sign(id, timestamp, body);
  }
  return { ...request, method: 'POST', body, headers };
}

const load = (seconds: number) =>
  autocannon({
    url: options.url,
    connections: options.concurrency,
    duration: seconds,
    pipelining: 1,
    requests: [{ setupRequest }],
  });

await load(Math.max(1, options.warmupMs / 1000));
const measured = await load(Math.max(1, options.durationMs / 1000));
const statuses: Record<string, number> = {};
for (const [code, count] of Object.entries(measured.statusCodeStats ?? {})) statuses[code] = (count as { count: number }).count;
if (measured.errors) statuses.errors = measured.errors;
if (measured.timeouts) statuses.timeouts = measured.timeouts;
const succeeded = measured['2xx'];
const result: HttpLoadResult = {
  rate: succeeded / measured.duration,
  succeeded,
  failed: measured.non2xx + measured.errors,
  seconds: measured.duration,
  statuses,
  latencyMs: { p50: measured.latency.p50, p99: measured.latency.p99 },
};
process.send!(result, () => process.exit(0));
