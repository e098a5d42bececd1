// The pipeline measure's load process (see pipeline-load.ts): sends signed carrier webhooks on a
// schedule and stamps each one's push as it arrives.
import { createHmac, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import WebSocket from 'ws';
import { subscribe } from '@tributary/testing';
import type { DrainReport, LatencyReport, LoadOptions, LoadRequest, LoadTotals, PipelineTarget, RunReport } from './pipeline-load.js';

const { target, options } = JSON.parse(process.argv[2]) as { target: PipelineTarget; options: LoadOptions };
const key = Buffer.from(target.secret.replace(/^whsec_/, ''), 'base64');
const url = new URL(target.webhookUrl);
const agent = new Agent({ keepAlive: true, maxSockets: options.sockets });
// Unique across runs, so a delivery is never taken for a retry of an earlier one.
const runId = randomBytes(6).toString('hex');
// Webhook n says it happened at base + n ms: its push carries that time back (updatedAt), which
// identifies it, and a parcel's updates are newer one after the other, as the state machine wants.
const base = Date.now() - 86_400_000;

let sentAt = new Float64Array(1 << 16);
let pushedAt = new Float64Array(1 << 16);
let sent = 0;
let accepted = 0;
let processed = 0;
let inFlight = 0;
let duplicates = 0;
let unknown = 0;
/** Where the current run starts, and what of it is counted so far. */
let runFrom = 0;
let runAccepted = 0;
let runProcessed = 0;
let runRefused: Record<string, number> = {};
let lost = 0;
let stopping = false;

/**
 * A parcel's journey: announced, picked up, then out for delivery and a failed attempt in turn —
 * every update a real transition of the state machine, so each one is stored, moves the package,
 * notifies its recipient, and is pushed.
 */
const statusOf = (leg: number) => (leg === 0 ? 'Label created' : leg === 1 ? 'In Transit' : leg % 2 === 0 ? 'Out for delivery' : 'Failed attempt');

function grow(n: number): void {
  if (n < sentAt.length) return;
  const bigger = (a: Float64Array) => {
    const b = new Float64Array(a.length * 2);
    b.set(a);
    return b;
  };
  sentAt = bigger(sentAt);
  pushedAt = bigger(pushedAt);
}

function refuse(reason: string): void {
  runRefused[reason] = (runRefused[reason] ?? 0) + 1;
}

function send(): void {
  const n = sent++;
  grow(n);
  const body = JSON.stringify({
    trackingId: `${target.trackingPrefix}${n % target.parcels}`,
    carrier: 'DHL',
    status: statusOf(Math.floor(n / target.parcels)),
    occurredAt: new Date(base + n).toISOString(),
  });
  const id = `msg_${runId}_${n}`;
  const timestamp = Math.floor(Date.now() / 1000);
  // The Standard Webhooks signature, computed as its specification says (node:crypto, not the JS library: cheaper).
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
  inFlight++;
  sentAt[n] = performance.now();
  post(n >= runFrom, body, headers, false);
}

function post(counted: boolean, body: string, headers: Record<string, string>, retry: boolean): void {
  let settled = false;
  const settle = (outcome: string) => {
    if (settled) return;
    settled = true;
    inFlight--;
    if (outcome === '202') accepted++;
    if (!counted) return;
    if (outcome === '202') runAccepted++;
    else refuse(outcome);
  };
  const req = request(url, { method: 'POST', agent, headers }, (res) => {
    res.resume();
    res.once('end', () => settle(String(res.statusCode)));
  });
  req.setTimeout(30_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
  req.once('error', (error: NodeJS.ErrnoException) => {
    // A kept-alive connection the server closed as it was reused (its idle timeout): sent again once,
    // as HTTP clients do — the same delivery (same webhook-id), so a repeat changes nothing.
    if (!retry && !settled && req.reusedSocket && error.code === 'ECONNRESET') return post(counted, body, headers, true);
    settle(error.code ?? 'error');
  });
  req.end(body);
}

/** A push arrived: its updatedAt is its webhook's occurredAt. */
function pushed(updatedAt: string): void {
  const n = Date.parse(updatedAt) - base;
  if (!(n >= 0 && n < sent)) {
    unknown++;
    return;
  }
  if (pushedAt[n] !== 0) {
    duplicates++;
    return;
  }
  pushedAt[n] = performance.now();
  processed++;
  if (n >= runFrom) runProcessed++;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends rate × seconds webhooks on schedule (catching up after a late turn), sampling the backlog. */
async function run(rate: number, seconds: number): Promise<RunReport> {
  runFrom = sent;
  runAccepted = 0;
  runProcessed = 0;
  runRefused = {};
  const total = Math.round(rate * seconds);
  const samples: [number, number, number][] = [];
  const start = performance.now();
  let nextSample = start;
  let last = start;
  let maxTickGapMs = 0;
  for (;;) {
    const now = performance.now();
    maxTickGapMs = Math.max(maxTickGapMs, now - last);
    last = now;
    const due = Math.min(total, Math.floor((rate * (now - start)) / 1000));
    while (sent - runFrom < due) send();
    if (now >= nextSample) {
      samples.push([Math.round(now - start), sent - runFrom, runProcessed]);
      nextSample += options.sampleMs;
    }
    if (sent - runFrom >= total) break;
    await sleep(1);
  }
  samples.push([Math.round(performance.now() - start), sent - runFrom, runProcessed]);
  return {
    rate,
    seconds,
    from: runFrom,
    to: sent,
    sent: sent - runFrom,
    accepted: runAccepted,
    refused: runRefused,
    samples,
    maxTickGapMs: Math.round(maxTickGapMs),
  };
}

/**
 * Waits until every webhook answered 202 has been pushed (and no request is in flight), or until no
 * push came for quietMs, or timeoutMs. What stays outstanding is counted as lost from then on.
 */
async function drain(timeoutMs: number, quietMs: number): Promise<DrainReport> {
  const start = performance.now();
  let seen = processed;
  let lastProgress = start;
  for (;;) {
    const now = performance.now();
    if (inFlight === 0 && processed >= accepted - lost) return { drained: true, outstanding: 0, ms: Math.round(now - start) };
    if (processed !== seen) [seen, lastProgress] = [processed, now];
    if ((inFlight === 0 && now - lastProgress > quietMs) || now - start > timeoutMs) {
      const outstanding = accepted - lost - processed;
      lost += Math.max(0, outstanding);
      return { drained: false, outstanding, ms: Math.round(now - start) };
    }
    await sleep(20);
  }
}

function latency(from: number, to: number): LatencyReport {
  const latencies: number[] = [];
  for (let n = from; n < Math.min(to, sent); n++) if (pushedAt[n] !== 0) latencies.push(pushedAt[n] - sentAt[n]);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] * 10) / 10 : NaN);
  return { count: latencies.length, unpushed: Math.min(to, sent) - from - latencies.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

function totals(): LoadTotals {
  const cpu = process.cpuUsage();
  return { sent, accepted, processed, duplicates, unknown, cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
}

/** The subscriber's connection ended or failed: the measure cannot go on. */
const fatal = (reason: unknown) => {
  if (stopping) return;
  const close = reason as { code?: unknown; reason?: unknown };
  const error =
    reason instanceof Error
      ? reason.message
      : Array.isArray(reason)
        ? JSON.stringify(reason)
        : close && typeof close === 'object' && 'code' in close
          ? `closed ${String(close.code)} ${String(close.reason ?? '')}`
          : String(reason);
  process.send!({ type: 'fatal', error: `subscriber: ${error}` });
};

/** The subscriber: the framework's graphql-ws `packageUpdated`, or the raw pipeline's bare WebSocket sending the same frames. */
async function connect(): Promise<() => Promise<void>> {
  const push = target.push;
  if (push.kind === 'graphql-ws') {
    const sub = subscribe<{ updatedAt: string }>(push.url, push.apiKey, 'subscription { packageUpdated { trackingId updatedAt } }', {}, 'packageUpdated');
    // Each update is stamped as it arrives instead of being kept.
    Object.defineProperty(sub.received, 'push', { value: (update: { updatedAt: string }) => (pushed(update.updatedAt), 0) });
    sub.failed.then(fatal, fatal);
    await sub.connected;
    return () => sub.close();
  }
  const socket = new WebSocket(push.url);
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { payload: { data: { packageUpdated: { updatedAt: string } } } };
    pushed(frame.payload.data.packageUpdated.updatedAt);
  });
  socket.once('close', (code) => fatal(`the raw pipeline's WebSocket closed (${code})`));
  socket.once('error', fatal);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return async () => socket.close();
}

const disconnect = await connect().catch((error: unknown) => {
  fatal(error);
  process.exit(1);
});
// Live once a webhook sent after connecting comes back (a subscription starts after the connection is acknowledged).
while (processed === 0) {
  send();
  await sleep(500);
}
await drain(10_000, 1_000);

process.on('message', ({ seq, request: req }: { seq: number; request: LoadRequest }) => {
  const answer = async () => {
    switch (req.type) {
      case 'run':
        return run(req.rate, req.seconds);
      case 'drain':
        return drain(req.timeoutMs, req.quietMs);
      case 'latency':
        return latency(req.from, req.to);
      case 'totals':
        return totals();
    }
  };
  answer().then(
    (reply) => process.send!({ seq, reply }),
    (error: Error) => process.send!({ seq, error: error.message }),
  );
});
process.once('SIGTERM', () => {
  stopping = true;
  agent.destroy();
  const exit = () => process.exit(0);
  disconnect().then(exit, exit);
});
process.send!({ type: 'ready' });
