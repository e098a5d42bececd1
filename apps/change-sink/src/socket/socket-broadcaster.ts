import { Injectable } from '@nestjs/common';
import type { Namespace, Server, Socket } from 'socket.io';
import type { DeliveredChange } from '../delivery/change-policy.js';

/** The parts of engine.io's connection and WebSocket transport that writing pre-encoded frames relies on. */
interface EngineConnection {
  readonly writeBuffer: unknown[];
  readonly transport?: { readonly name: string; readonly perMessageDeflate?: unknown; readonly socket?: { readonly _sender?: { sendFrame?: unknown } } };
  write(data: string, options: { wsPreEncodedFrame: Buffer[] }): void;
}

/** socket.io's EVENT packet type (socket.io-parser's PacketType.EVENT). */
const EVENT = 2;

/** A WebSocket text frame header (server to client: unmasked, final), RFC 6455 5.2. */
function frameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65_536) {
    const header = Buffer.allocUnsafe(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = 0x81;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/**
 * Writes changes to socket.io clients, each change encoded once however many clients receive it.
 * A change goes out as two events (under its table's name and under `changes`, esink's protocol):
 * both WebSocket frames are built once per change, and each client gets everything sent to it while
 * the reader hands out a batch in one write — one system call per client, not two per change, which
 * is where a fan-out to thousands of clients spends its time. Sends are gathered and written right
 * after the batch (a microtask), each client's in the order they were made.
 *
 * Clients still on HTTP long-polling (before their upgrade, or polling only) get the two events
 * through socket.io as usual: pre-encoded frames are a WebSocket thing.
 */
@Injectable()
export class SocketBroadcaster {
  private namespace?: Namespace;
  private queued = new Map<Socket, DeliveredChange[]>();
  private readonly frames = new WeakMap<DeliveredChange, Buffer | null>();
  private scheduled = false;

  /** The gateway's server (Nest hands the Server for the default namespace) or namespace. */
  attach(target: Namespace | Server): void {
    this.namespace = 'encoder' in target ? target.of('/') : target;
  }

  /**
   * The bytes a WebSocket client receives for `change` (both events' frames), built once per change;
   * null when a change does not encode to text (never, for rows read as JSON).
   */
  framesOf(change: DeliveredChange): Buffer | null {
    let frames = this.frames.get(change);
    if (frames === undefined) {
      const texts = [this.message(change.table, change), this.message('changes', change)];
      frames = texts.every((t) => t !== null) ? Buffer.concat(texts.flatMap((text) => [frameHeader(Buffer.byteLength(text)), Buffer.from(text)])) : null;
      this.frames.set(change, frames);
    }
    return frames;
  }

  send(socket: Socket, change: DeliveredChange): void {
    const queue = this.queued.get(socket);
    if (queue) queue.push(change);
    else this.queued.set(socket, [change]);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    const queued = this.queued;
    this.queued = new Map();
    this.scheduled = false;
    for (const [socket, changes] of queued) {
      if (!socket.connected) continue;
      const connection = socket.conn as unknown as EngineConnection;
      const frames = this.namespace && this.takesFrames(connection) ? changes.map((c) => this.framesOf(c)) : [];
      if (frames.length === 0 || frames.includes(null)) {
        for (const change of changes) {
          socket.emit(change.table, change);
          socket.emit('changes', change);
        }
        continue;
      }
      const bytes = frames.length === 1 ? frames[0]! : Buffer.concat(frames as Buffer[]);
      // engine.io writes wsPreEncodedFrame as is on a WebSocket transport (takesFrames); the data is not used there.
      connection.write('', { wsPreEncodedFrame: [bytes] });
    }
  }

  /** Whether engine.io will write a packet's pre-encoded frame as is (its WebSocket transport's own test). */
  private takesFrames(connection: EngineConnection): boolean {
    const transport = connection.transport;
    return transport?.name === 'websocket' && !transport.perMessageDeflate && typeof transport.socket?._sender?.sendFrame === 'function';
  }

  /** An event as engine.io sends it: "4" (message) and the socket.io packet, encoded by the server's own encoder. */
  private message(event: string, change: DeliveredChange): string | null {
    const namespace = this.namespace!;
    const encoded = namespace.server.encoder.encode({ type: EVENT, nsp: namespace.name, data: [event, change] });
    return encoded.length === 1 && typeof encoded[0] === 'string' ? `4${encoded[0]}` : null;
  }
}
