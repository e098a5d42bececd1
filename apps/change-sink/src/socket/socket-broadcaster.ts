import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { DeliveredChange } from '../delivery/change-policy.js';

interface Group {
  readonly change: DeliveredChange;
  readonly index: number;
  readonly socketIds: string[];
}

/**
 * Sends each change to all of its recipients in one socket.io broadcast per event name — encoded
 * and framed once, not once per client (5,000 clients of a `*` table would otherwise mean 10,000
 * JSON encodings per change). Sends made while the reader hands out a batch are gathered and
 * flushed right after it, keeping each client's order: a client's later change never joins an
 * earlier group.
 */
@Injectable()
export class SocketBroadcaster {
  private namespace?: Namespace;
  private groups: Group[] = [];
  private latest = new Map<DeliveredChange, Group>();
  private lastIndexOf = new Map<string, number>();
  private scheduled = false;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  send(socket: Socket, change: DeliveredChange): void {
    if (!this.namespace) {
      socket.emit(change.table, change);
      socket.emit('changes', change);
      return;
    }
    const last = this.lastIndexOf.get(socket.id) ?? -1;
    let group = this.latest.get(change);
    if (!group || group.index < last) {
      group = { change, index: this.groups.length, socketIds: [] };
      this.groups.push(group);
      this.latest.set(change, group);
    }
    group.socketIds.push(socket.id);
    this.lastIndexOf.set(socket.id, group.index);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    const groups = this.groups;
    this.groups = [];
    this.latest = new Map();
    this.lastIndexOf = new Map();
    this.scheduled = false;
    for (const { change, socketIds } of groups) {
      const recipients = this.namespace!.to(socketIds);
      recipients.emit(change.table, change);
      recipients.emit('changes', change);
    }
  }
}
