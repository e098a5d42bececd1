import { fork } from 'node:child_process';

export interface HttpLoadOptions {
  /** Where every request is POSTed. */
  readonly url: string;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** The JSON body; every `{n}` becomes the request's sequence number so payloads differ. */
  readonly bodyTemplate: string;
  /** When set, each request is a freshly signed Standard Webhooks delivery with a unique webhook-id. */
  readonly webhookSecret?: string;
}

export interface HttpLoadResult {
  /** 2xx answers per second over the measured window. */
  readonly rate: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly seconds: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Latency percentiles of the measured window, in ms. */
  readonly latencyMs: Readonly<{ p50: number; p99: number }>;
}

/**
 * Drives `concurrency` keep-alive connections against `url` with autocannon, from a child process
 * so the load generator runs on its own core instead of sharing the event loop with the server
 * under test (not a worker thread: autocannon takes a worker thread for one of its own). Every request is built (and signed) by the worker, for the baseline too, so both
 * runs pay the same client-side cost.
 */
export function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./http-load.worker.js', import.meta.url), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result) => resolve(result as HttpLoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
  });
}
