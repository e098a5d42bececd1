import WebSocket from 'ws';

/** How long a server has to answer a probe (an ack, a pong) or close: past it, the case fails as a hang. */
const ANSWER_WITHIN_MS = 10_000;

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/**
 * A raw WebSocket, for sending frames no client library would (graphql-ws's and engine.io's
 * protocols by hand): every frame received in order, the close, and waits for a frame or the close.
 */
export class WsSession {
  readonly received: string[] = [];
  closed?: Closed;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData, binary: boolean) => {
      this.received.push(binary ? `<binary ${Buffer.isBuffer(data) ? data.length : 0} bytes>` : data.toString());
      this.wake();
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Opens a session, or answers why the upgrade was refused (`{ status }`; 101 when the subprotocol was not taken). */
  static open(url: string, protocols?: string | string[]): Promise<WsSession | { status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, { maxPayload: 256 * 1024 * 1024 });
      socket.once('open', () => resolve(new WsSession(socket)));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      // The server accepted the upgrade without the subprotocol asked for (graphql-ws then closes 4406): a refusal too.
      socket.once('error', (error) => (/no subprotocol|invalid subprotocol/i.test(error.message) ? resolve({ status: 101, body: error.message }) : reject(error)));
    });
  }

  send(frame: string | Buffer): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  /** Waits for a frame (after the first `from`) that `matches`, or for the close: the frame, or undefined once closed. */
  async next(matches: (frame: string) => boolean, from = 0): Promise<string | undefined> {
    const deadline = Date.now() + ANSWER_WITHIN_MS;
    for (;;) {
      const found = this.received.slice(from).find(matches);
      if (found !== undefined) return found;
      if (this.closed) return undefined;
      if (Date.now() > deadline) throw new Error(`no answer and no close within ${ANSWER_WITHIN_MS} ms; received ${JSON.stringify(this.received.slice(-5)).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.terminate();
  }

  private wake(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    waiting.forEach((w) => w());
  }
}
