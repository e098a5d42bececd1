import { Injectable } from '@nestjs/common';
import type { Namespace, Server } from 'socket.io';
import type { DeliveredChange } from '../delivery/change-policy.js';
import { textFrame } from '../delivery/websocket-frame.js';
import type { SocketClient } from './socket-client.js';

/** socket.io's EVENT packet type (socket.io-parser's PacketType.EVENT). */
const EVENT = 2;

/**
 * Encodes each change once for all its socket.io clients, and writes each client's changes right
 * after the reader handed out a batch. A change goes out as two events (under its table's name and
 * under `changes`, esink's protocol): both WebSocket frames are built once per change, and each
 * client gets everything sent to it during a batch in one write — one system call per client, not
 * two per change, which is where a fan-out to thousands of clients spends its time.
 */
@Injectable()
export class SocketBroadcaster {
  private namespace?: Namespace;
  private scheduled: SocketClient[] = [];
  private readonly frames = new WeakMap<DeliveredChange, Buffer | null>();

  /** The gateway's server (Nest hands the Server for the default namespace) or namespace. */
  attach(target: Namespace | Server): void {
    this.namespace = 'encoder' in target ? target.of('/') : target;
  }

  /** Flushes `client` once the current batch was handed out (a microtask): each client's sends in the order made. */
  schedule(client: SocketClient): void {
    if (this.scheduled.push(client) === 1) queueMicrotask(() => this.flush());
  }

  /** What `change` takes on the wire: its frames, or an estimate before the gateway is up. */
  sizeOf(change: DeliveredChange): number {
    return this.framesOf(change)?.length ?? 2 * (JSON.stringify(change).length + 20);
  }

  /** The frames of `changes` in one buffer, as one write; null when one of them is not text. */
  framesFor(changes: readonly DeliveredChange[]): Buffer | null {
    if (changes.length === 1) return this.framesOf(changes[0]);
    const frames = changes.map((c) => this.framesOf(c));
    return frames.includes(null) ? null : Buffer.concat(frames as Buffer[]);
  }

  private flush(): void {
    const clients = this.scheduled;
    this.scheduled = [];
    for (const client of clients) client.flush();
  }

  /**
   * The bytes a WebSocket client receives for `change` (both events' frames), built once per change;
   * null when a change does not encode to text (never, for rows read as JSON) or before the gateway is up.
   */
  private framesOf(change: DeliveredChange): Buffer | null {
    let frames = this.frames.get(change);
    if (frames === undefined) {
      if (!this.namespace) return null;
      const texts = [this.message(change.table, change), this.message('changes', change)];
      frames = texts.every((t) => t !== null) ? Buffer.concat(texts.map((text) => textFrame([Buffer.from(text!)]))) : null;
      this.frames.set(change, frames);
    }
    return frames;
  }

  /** An event as engine.io sends it: "4" (message) and the socket.io packet, encoded by the server's own encoder. */
  private message(event: string, change: DeliveredChange): string | null {
    const namespace = this.namespace!;
    const encoded = namespace.server.encoder.encode({ type: EVENT, nsp: namespace.name, data: [event, change] });
    return encoded.length === 1 && typeof encoded[0] === 'string' ? `4${encoded[0]}` : null;
  }
}
