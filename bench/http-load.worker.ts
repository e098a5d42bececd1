import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { Webhook } from 'standardwebhooks';
import type { HttpLoadOptions, HttpLoadResult } from './http-load.js';

const options = workerData as HttpLoadOptions;
const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
const target = new URL(options.url);
// Unique across runs too, so a delivery is never taken for a retry of an earlier one.
const runId = randomBytes(6).toString('hex');
const signer = options.webhookSecret ? new Webhook(options.webhookSecret) : undefined;

let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
let sequence = 0;
let succeeded = 0;
let failed = 0;
let firstFailure: string | undefined;
const statuses: Record<string, number> = {};

interface Answer {
  readonly status: number;
  readonly body: string;
}

function post(body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function nextRequest(): { body: string; headers: Record<string, string> } {
  const n = ++sequence;
  const body = options.bodyTemplate.replaceAll('{n}', String(n));
  if (!signer) return { body, headers: {} };
  const id = `msg_bench_${runId}_${n}`;
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signer.sign(id, new Date(timestamp * 1000), body),
    },
  };
}

function record(key: string, ok: boolean, failure?: string): void {
  if (phase !== 'measure') return;
  statuses[key] = (statuses[key] ?? 0) + 1;
  if (ok) succeeded++;
  else {
    failed++;
    firstFailure ??= failure;
  }
}

async function client(): Promise<void> {
  while (phase !== 'stop') {
    const { body, headers } = nextRequest();
    try {
      const answer = await post(body, headers);
      const ok = answer.status >= 200 && answer.status < 300;
      record(String(answer.status), ok, `${answer.status} ${answer.body.slice(0, 300)}`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      record(code, false, `${code}: ${(error as Error).message}`);
      await sleep(10); // a refused connection fails at once; do not spin
    }
  }
}

const clients = Array.from({ length: options.concurrency }, () => client());
await sleep(options.warmupMs);
phase = 'measure';
const started = performance.now();
await sleep(options.durationMs);
phase = 'stop';
const seconds = (performance.now() - started) / 1000;
await Promise.all(clients);
agent.destroy();

const result: HttpLoadResult = { rate: succeeded / seconds, succeeded, failed, seconds, statuses, firstFailure };
parentPort!.postMessage(result);
