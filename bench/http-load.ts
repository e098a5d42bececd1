import { Worker } from 'node:worker_threads';

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
  /** The first non-2xx answer or error seen, to explain a low rate. */
  readonly firstFailure?: string;
}

/**
 * Drives `concurrency` keep-alive clients against `url` from a worker thread, so the load generator
 * runs on its own core instead of sharing the event loop with the server under test.
 */
export function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./http-load.worker.js', import.meta.url), { workerData: options });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}
