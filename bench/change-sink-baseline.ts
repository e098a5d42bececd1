import { fork, type ChildProcess } from 'node:child_process';

/**
 * The fan-out measures' baseline: a bare `ws` server in a process of its own (as the change-sink is),
 * with no framework and no database, which the same client processes connect to and which writes them
 * the same bytes the change-sink sends for a `broadcasts` row. See change-sink-baseline.worker.ts.
 */

export type BareTransport = 'socket.io' | 'graphql-ws';

/** A `broadcasts` row, as the writer would have inserted it. */
export interface BareRow {
  readonly id: number;
  readonly sent_ms: number;
  readonly body: string;
}

export type BareRequest = { readonly type: 'publish'; readonly row: BareRow } | { readonly type: 'status' };

export type BareReport =
  | { readonly type: 'ready'; readonly port: number }
  /** Sent when the row was received, before its frames are written (as a commit is acknowledged before the change-sink reads it). */
  | { readonly type: 'published' }
  | {
      readonly type: 'status';
      /** Clients that completed the handshake (socket.io: connected; graphql-ws: subscribed), the ones a row is written to. */
      readonly receiving: number;
      /** Bytes written to each client for the last row (its frames). */
      readonly frameBytes: number;
    };

export interface BareServer {
  readonly url: string;
  readonly pid: number;
  publish(row: BareRow): Promise<void>;
  status(): Promise<Extract<BareReport, { type: 'status' }>>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

export async function startBareServer(transport: BareTransport): Promise<BareServer> {
  const child: ChildProcess = fork(new URL('./change-sink-baseline.worker.js', import.meta.url), [transport], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const pending = new Map<number, (report: BareReport) => void>();
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bare ws server did not start')), READY_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`the bare ws server exited with ${code}`)));
    pending.set(0, (report) => {
      clearTimeout(timer);
      if (report.type === 'ready') resolve(report.port);
    });
  });
  child.on('message', (message: { seq: number; report: BareReport }) => {
    const waiting = pending.get(message.seq);
    pending.delete(message.seq);
    waiting?.(message.report);
  });
  const request = <T extends BareReport['type']>(body: BareRequest): Promise<Extract<BareReport, { type: T }>> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null) return reject(new Error('the bare ws server is gone'));
      const n = ++seq;
      pending.set(n, resolve as (report: BareReport) => void);
      child.send({ seq: n, request: body });
    });
  const stop = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
  try {
    const port = await ready;
    return {
      url: `http://127.0.0.1:${port}`,
      pid: child.pid!,
      publish: (row) => request<'published'>({ type: 'publish', row }).then(() => undefined),
      status: () => request<'status'>({ type: 'status' }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
