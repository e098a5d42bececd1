import { fork } from 'node:child_process';

/**
 * The pipeline measure's load: signed carrier webhooks offered at a fixed rate (an open model: sent on
 * schedule whatever the answers) and the pushes that say each one was processed, both in a process of
 * their own (pipeline-load.worker.ts) so neither steals the event loop of what is measured.
 */

/** Where the webhooks go and where their pushes come from. */
export interface PipelineTarget {
  /** Each webhook is POSTed here, signed (Standard Webhooks) with `secret`. */
  readonly webhookUrl: string;
  readonly secret: string;
  /** The framework's graphql-ws `packageUpdated`, or the raw pipeline's bare WebSocket (same frames). */
  readonly push: { readonly kind: 'graphql-ws'; readonly url: string; readonly apiKey: string } | { readonly kind: 'ws'; readonly url: string };
  /** Parcel i is `${trackingPrefix}${i}`, for i below `parcels`: each has a recipient registered. */
  readonly trackingPrefix: string;
  readonly parcels: number;
}

export interface LoadOptions {
  /** HTTP keep-alive connections at most; requests beyond wait in the client's queue (and count as sent). */
  readonly sockets: number;
  /** How often the backlog is sampled during a run. */
  readonly sampleMs: number;
}

/** One run at a fixed rate. Counts are of this run's webhooks only. */
export interface RunReport {
  readonly rate: number;
  readonly seconds: number;
  /** Sequence numbers of this run's webhooks: [from, to). */
  readonly from: number;
  readonly to: number;
  readonly sent: number;
  /** Answered 202 (so far: answers still arriving after the run are counted by `drain`). */
  readonly accepted: number;
  /** Other answers and client errors, by status or error code. */
  readonly refused: Readonly<Record<string, number>>;
  /** [ms since start, sent, processed] every sampleMs, and at the end. */
  readonly samples: ReadonlyArray<readonly [number, number, number]>;
  /** The generator's own lateness: its largest gap between two sending turns, ms (its event loop was busy). */
  readonly maxTickGapMs: number;
}

export interface DrainReport {
  /** Every webhook answered 202 so far has been pushed, and no request is in flight. */
  readonly drained: boolean;
  /** Accepted (202) and not pushed when the drain ended. */
  readonly outstanding: number;
  readonly ms: number;
}

/** Webhook → push latency of a range of webhooks, ms, over those pushed. */
export interface LatencyReport {
  readonly count: number;
  readonly unpushed: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadTotals {
  readonly sent: number;
  readonly accepted: number;
  readonly processed: number;
  /** A push for a webhook already pushed, or for none sent: both must stay 0. */
  readonly duplicates: number;
  readonly unknown: number;
  /** CPU the load process used so far (user + system), ms. */
  readonly cpuMs: number;
}

export type LoadRequest =
  | { readonly type: 'run'; readonly rate: number; readonly seconds: number }
  | { readonly type: 'drain'; readonly timeoutMs: number; readonly quietMs: number }
  | { readonly type: 'latency'; readonly from: number; readonly to: number }
  | { readonly type: 'totals' };

type ReplyOf<T extends LoadRequest['type']> = { run: RunReport; drain: DrainReport; latency: LatencyReport; totals: LoadTotals }[T];

export interface PipelineLoad {
  readonly pid: number;
  run(rate: number, seconds: number): Promise<RunReport>;
  drain(timeoutMs: number, quietMs: number): Promise<DrainReport>;
  latency(from: number, to: number): Promise<LatencyReport>;
  totals(): Promise<LoadTotals>;
  stop(): Promise<void>;
}

/** How long the load process may take to connect its subscriber and see a first webhook pushed. */
const READY_TIMEOUT_MS = 60_000;
/** Beyond the work asked for, how long an answer may take. */
const ANSWER_MS = 30_000;

/**
 * Forks the load process and resolves once its subscriber is live: it has sent one webhook and seen it
 * pushed (a subscription is set up after the connection is acknowledged). Fails if that takes too long,
 * and any later call fails as soon as the subscriber's connection ends or the process exits.
 */
export async function startPipelineLoad(target: PipelineTarget, options: LoadOptions): Promise<PipelineLoad> {
  const child = fork(new URL('./pipeline-load.worker.js', import.meta.url), [JSON.stringify({ target, options })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, { resolve: (reply: never) => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the load process was not ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.on('message', (message: { type: 'ready' } | { type: 'fatal'; error: string } | { seq: number; reply?: unknown; error?: string }) => {
      if ('type' in message && message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if ('type' in message && message.type === 'fatal') {
        clearTimeout(timer);
        const error = new Error(`load process: ${message.error}`);
        reject(error);
        fail(error);
      } else if ('seq' in message) {
        const waiting = pending.get(message.seq);
        pending.delete(message.seq);
        if (message.error !== undefined) waiting?.reject(new Error(`load process: ${message.error}`));
        else waiting?.resolve(message.reply as never);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const error = new Error(`the load process exited (${code ?? signal})`);
      reject(error);
      fail(error);
    });
  });
  // Every answer has a deadline: a load process that stops answering fails the measure instead of hanging it.
  const request = <T extends LoadRequest['type']>(req: Extract<LoadRequest, { type: T }>, timeoutMs: number): Promise<ReplyOf<T>> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const id = ++seq;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the load process did not answer ${req.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = <A extends unknown[]>(f: (...a: A) => void) => (...a: A) => {
        clearTimeout(timer);
        f(...a);
      };
      pending.set(id, { resolve: settle(resolve as (reply: never) => void), reject: settle(reject) });
      child.send({ seq: id, request: req });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    run: (rate, seconds) => request({ type: 'run', rate, seconds }, seconds * 1000 + ANSWER_MS),
    drain: (timeoutMs, quietMs) => request({ type: 'drain', timeoutMs, quietMs }, timeoutMs + ANSWER_MS),
    latency: (from, to) => request({ type: 'latency', from, to }, ANSWER_MS),
    totals: () => request({ type: 'totals' }, ANSWER_MS),
    stop,
  };
}
