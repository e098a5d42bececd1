import { fork, type ChildProcess } from 'node:child_process';

/**
 * The clock the fan-out bench stamps rows and receipts with, in ms: CLOCK_MONOTONIC (process.hrtime),
 * which is one clock for every process on the machine, so the writer (this process) and the clients
 * (their own processes) can be compared without a wall-clock step in between.
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export type ClientsRequest =
  | { readonly type: 'connect'; readonly transport: 'socket.io' | 'graphql-ws'; readonly url: string; readonly tokens: readonly string[] }
  | { readonly type: 'progress' }
  | { readonly type: 'receipts' }
  | { readonly type: 'close' };

export type ClientsReport =
  | { readonly type: 'connected'; readonly clients: number }
  | {
      readonly type: 'progress';
      readonly measured: number;
      readonly routed: number;
      readonly duplicates: number;
      readonly outOfOrder: number;
      /** CPU time the process used so far, ms. */
      readonly cpuMs: number;
    }
  | {
      readonly type: 'receipts';
      /** Row id, receipt time (monotonicMs), repeated: one pair per measured fan-out change a client got. */
      readonly receipts: Float64Array;
      readonly routed: number;
      /** A client getting a change it already had, or one older than the last it had: both must stay 0. */
      readonly duplicates: number;
      readonly outOfOrder: number;
    }
  | { readonly type: 'closed' };

type ReportOf<T extends ClientsRequest['type']> = Extract<
  ClientsReport,
  { type: { connect: 'connected'; progress: 'progress'; receipts: 'receipts'; close: 'closed' }[T] }
>;

/** One forked process holding a share of the clients. */
class ClientProcess {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (report: ClientsReport) => void; reject: (error: Error) => void }>();

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { seq: number; report?: ClientsReport; error?: string }) => {
      const waiting = this.pending.get(message.seq);
      this.pending.delete(message.seq);
      if (message.report) waiting?.resolve(message.report);
      else waiting?.reject(new Error(`client process: ${message.error}`));
    });
    child.once('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`client process exited with ${code}`));
      this.pending.clear();
    });
  }

  request<T extends ClientsRequest['type']>(request: Extract<ClientsRequest, { type: T }>): Promise<ReportOf<T>> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (report: ClientsReport) => void, reject });
      this.child.send({ seq, request });
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}

export interface ClientFleet {
  readonly clients: number;
  readonly processes: number;
  progress(): Promise<{ measured: number; routed: number; duplicates: number; outOfOrder: number; cpuMs: number }>;
  receipts(): Promise<{ receipts: Float64Array[]; routed: number; duplicates: number; outOfOrder: number }>;
  stop(): Promise<void>;
}

const sum = <T>(items: readonly T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);

/**
 * Connects one client per token to the change-sink at `url`, spread over `processes` child
 * processes (each a share of the tokens), and resolves once every one of them is connected.
 */
export async function startClientFleet(transport: 'socket.io' | 'graphql-ws', url: string, tokens: readonly string[], processes: number): Promise<ClientFleet> {
  const children = Array.from(
    { length: processes },
    () =>
      new ClientProcess(
        fork(new URL('./change-sink-clients.worker.js', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' }),
      ),
  );
  const stop = async () => {
    await Promise.all(children.map((c) => c.request({ type: 'close' }).catch(() => undefined)));
    await Promise.all(children.map((c) => c.stop()));
  };
  try {
    const share = Math.ceil(tokens.length / processes);
    const connected = await Promise.all(children.map((c, i) => c.request({ type: 'connect', transport, url, tokens: tokens.slice(i * share, (i + 1) * share) })));
    return {
      clients: sum(connected, (c) => c.clients),
      processes,
      async progress() {
        const reports = await Promise.all(children.map((c) => c.request({ type: 'progress' })));
        return {
          measured: sum(reports, (r) => r.measured),
          routed: sum(reports, (r) => r.routed),
          duplicates: sum(reports, (r) => r.duplicates),
          outOfOrder: sum(reports, (r) => r.outOfOrder),
          cpuMs: sum(reports, (r) => r.cpuMs),
        };
      },
      async receipts() {
        const reports = await Promise.all(children.map((c) => c.request({ type: 'receipts' })));
        return {
          receipts: reports.map((r) => r.receipts),
          routed: sum(reports, (r) => r.routed),
          duplicates: sum(reports, (r) => r.duplicates),
          outOfOrder: sum(reports, (r) => r.outOfOrder),
        };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
