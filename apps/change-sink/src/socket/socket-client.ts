import type { Socket } from 'socket.io';
import type { DeliveredChange } from '../delivery/change-policy.js';
import type { SocketBroadcaster } from './socket-broadcaster.js';

const sizes = new WeakMap<object, number>();
/** The JSON size of a change's data, computed once per change however many clients receive it. */
function sizeOf(change: DeliveredChange): number {
  let size = sizes.get(change.data);
  if (size === undefined) {
    size = JSON.stringify(change.data).length + 200;
    sizes.set(change.data, size);
  }
  return size;
}

interface EngineConnection {
  writeBuffer: unknown[];
  transport?: { socket?: { terminate?: () => void } };
  on(event: 'drain', listener: () => void): void;
}

/** A client with changes waiting that has not taken any for this long is too slow. */
const STALL_MS = 2_000;

/**
 * One socket.io client's outgoing side: each change goes out under its table's name and under
 * `changes` (esink), and what waits unsent for this client is bounded. A client that stops reading
 * makes the engine's buffer grow: with more than `limitBytes` waiting and no progress for a while
 * it is dropped with a reason, so it never holds memory or slows the others. A burst to a client
 * that reads is not a stall.
 */
export class SocketClient {
  private pendingBytes = 0;
  private lastProgress = Date.now();
  private dropped = false;

  constructor(
    private readonly socket: Socket,
    private readonly broadcaster: SocketBroadcaster,
    private readonly limitBytes: number,
    private readonly onDrop: (reason: string) => void,
  ) {
    // The engine hands its whole buffer to the transport when the client took the previous batch.
    (socket.conn as unknown as EngineConnection).on('drain', () => {
      this.pendingBytes = 0;
      this.lastProgress = Date.now();
    });
  }

  send(change: DeliveredChange): void {
    if (this.dropped) return;
    const connection = this.socket.conn as unknown as EngineConnection;
    if (connection.writeBuffer.length === 0) {
      this.pendingBytes = 0;
      this.lastProgress = Date.now();
    }
    const size = sizeOf(change);
    const waiting = this.pendingBytes + size;
    if (waiting > this.limitBytes && Date.now() - this.lastProgress > STALL_MS) {
      this.drop(`Too slow: more than ${this.limitBytes} bytes of changes waiting; reconnect with auth.after to resume`);
      return;
    }
    this.pendingBytes += 2 * size;
    this.broadcaster.send(this.socket, change);
  }

  /** Sends `error` with the reason and closes the connection, even when the client does not read. */
  end(code: number, message: string): void {
    if (this.dropped) return;
    this.dropped = true;
    this.socket.emit('error', { code, message });
    this.socket.disconnect(true);
    // A client that does not read never lets the close handshake through: cut the connection.
    (this.socket.conn as unknown as EngineConnection).transport?.socket?.terminate?.();
  }

  private drop(reason: string): void {
    this.onDrop(reason);
    this.end(429, reason);
  }
}
