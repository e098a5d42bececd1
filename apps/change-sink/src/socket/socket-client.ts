import type { Socket as NetSocket } from 'node:net';
import type { Socket } from 'socket.io';
import type { DeliveredChange } from '../delivery/change-policy.js';
import type { SocketBroadcaster } from './socket-broadcaster.js';

/** The parts of engine.io's connection (and its WebSocket transport) that writing pre-encoded frames relies on. */
interface EngineConnection {
  readonly readyState: string;
  readonly writeBuffer: unknown[];
  readonly transport?: {
    readonly name: string;
    readonly perMessageDeflate?: unknown;
    /** The `ws` WebSocket: its TCP socket, and its sender (what engine.io itself writes pre-encoded frames with). */
    readonly socket?: { readonly readyState?: number; readonly _socket?: NetSocket; readonly _sender?: { sendFrame?: unknown }; terminate?: () => void };
  };
  write(data: string, options: { wsPreEncodedFrame: Buffer[] }): void;
  on(event: 'drain', listener: () => void): void;
}

/** A client with more than its limit waiting that has taken nothing for this long is too slow. */
const STALL_MS = 2_000;

/**
 * One socket.io client's outgoing side: each change goes out under its table's name and under
 * `changes` (esink), and what waits unsent for this client is bounded. A client that stops reading
 * makes what waits for it grow: with more than `limitBytes` waiting and no progress for a while it is
 * dropped with a reason, so it never holds memory or slows the others. A burst to a client that
 * reads is not a stall.
 *
 * On a WebSocket (the usual case), the frames of everything sent to the client during a batch are
 * written to its TCP socket at once, behind whatever engine.io already handed it (it is written only
 * when engine.io holds nothing back), and what waits is the socket's own buffer, measured exactly.
 * On HTTP long-polling, the changes go through socket.io, and what waits is estimated.
 */
export class SocketClient {
  private queue: DeliveredChange[] = [];
  private queuedBytes = 0;
  /** Polling only: bytes handed to engine.io since it last flushed to the transport, and how many flushes so far. */
  private enginePending = 0;
  private engineFlushes = 0;
  private stall?: { readonly since: number; readonly progress: number };
  private dropped = false;

  constructor(
    private readonly socket: Socket,
    private readonly broadcaster: SocketBroadcaster,
    private readonly limitBytes: number,
    private readonly onDrop: (reason: string) => void,
  ) {
    // The engine hands its whole buffer to the transport when the client took the previous batch.
    this.connection.on('drain', () => {
      this.enginePending = 0;
      this.engineFlushes++;
    });
  }

  private get connection(): EngineConnection {
    return this.socket.conn as unknown as EngineConnection;
  }

  send(change: DeliveredChange): void {
    if (this.dropped) return;
    const size = this.broadcaster.sizeOf(change);
    if (this.waiting() + size > this.limitBytes) {
      const progress = this.progress();
      const now = Date.now();
      if (!this.stall || this.stall.progress !== progress) this.stall = { since: now, progress };
      else if (now - this.stall.since > STALL_MS) {
        this.drop(`Too slow: more than ${this.limitBytes} bytes of changes waiting; reconnect with auth.after to resume`);
        return;
      }
    } else this.stall = undefined;
    this.queuedBytes += size;
    if (this.queue.push(change) === 1) this.broadcaster.schedule(this);
  }

  /** Writes what was sent since the last flush (the broadcaster calls this once the batch was handed out). */
  flush(): void {
    const changes = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.dropped || !this.socket.connected) return;
    const tcp = this.tcp();
    const frames = tcp ? this.broadcaster.framesFor(changes) : null;
    if (tcp && frames) {
      // Straight to the TCP socket only when engine.io holds nothing back: everything it wrote before is already there, in order.
      if (this.connection.writeBuffer.length === 0) tcp.write(frames);
      else this.connection.write('', { wsPreEncodedFrame: [frames] });
      return;
    }
    for (const change of changes) {
      this.socket.emit(change.table, change);
      this.socket.emit('changes', change);
      this.enginePending += 2 * this.broadcaster.sizeOf(change);
    }
  }

  /** Sends `error` with the reason and closes the connection, even when the client does not read. */
  end(code: number, message: string): void {
    if (this.dropped) return;
    this.dropped = true;
    this.queue = [];
    this.socket.emit('error', { code, message });
    this.socket.disconnect(true);
    // A client that does not read never lets the close handshake through: cut the connection.
    this.connection.transport?.socket?.terminate?.();
  }

  /**
   * The client's TCP socket when its changes can be written to it as WebSocket frames: on engine.io's
   * WebSocket transport without compression, as engine.io's own test for pre-encoded frames.
   */
  private tcp(): NetSocket | undefined {
    const connection = this.connection;
    const transport = connection.transport;
    if (connection.readyState !== 'open' || transport?.name !== 'websocket' || transport.perMessageDeflate) return undefined;
    // 1: the WebSocket is open (not closing: nothing may follow its close frame).
    if (transport.socket?.readyState !== 1 || typeof transport.socket._sender?.sendFrame !== 'function') return undefined;
    const tcp = transport.socket._socket;
    return tcp && tcp.writable ? tcp : undefined;
  }

  /** Bytes waiting for this client: queued here, and in its socket's buffer (or, polling, in engine.io's). */
  private waiting(): number {
    const tcp = this.tcp();
    return this.queuedBytes + (tcp ? tcp.writableLength : 0) + this.enginePending;
  }

  /** Grows whenever the client takes something: bytes its socket handed to the system, and engine.io flushes. */
  private progress(): number {
    const tcp = this.tcp();
    return (tcp ? tcp.bytesWritten - tcp.writableLength : 0) + this.engineFlushes;
  }

  private drop(reason: string): void {
    this.onDrop(reason);
    this.end(429, reason);
  }
}
