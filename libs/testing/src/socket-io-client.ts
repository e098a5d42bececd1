import { io, type Socket } from 'socket.io-client';

export interface ReceivedEvent {
  readonly event: string;
  readonly payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SocketClient {
  readonly socket: Socket;
  /** Every event received, in order (`connected`, `error`, table names, `changes`, …). */
  readonly events: ReceivedEvent[];
  /** The payloads received under one event name. */
  of(event: string): any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Resolves with `connected`'s payload, or rejects with `error`'s / the disconnect reason. */
  readonly ready: Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Disconnect reasons, in order. */
  readonly disconnects: string[];
  close(): void;
}

/**
 * A real socket.io-client connection to a change-sink, recording what it receives. `auth` may be a
 * function (socket.io calls it at every reconnection: a client resuming with its last change id).
 * WebSocket only unless `transports` says otherwise (`['polling', 'websocket']`: long-polling, then the upgrade).
 */
export function connectSocket(
  url: string,
  auth: Record<string, unknown> | (() => Record<string, unknown>),
  options: { reconnection?: boolean; transports?: ('websocket' | 'polling')[] } = {},
): SocketClient {
  const socket = io(url, {
    auth: typeof auth === 'function' ? (cb) => cb(auth()) : auth,
    transports: options.transports ?? ['websocket'],
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
  });
  const events: ReceivedEvent[] = [];
  const disconnects: string[] = [];
  let settle!: { resolve: (v: unknown) => void; reject: (e: unknown) => void };
  const ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => undefined);
  socket.onAny((event, payload) => {
    events.push({ event, payload });
    if (event === 'connected') settle.resolve(payload);
    if (event === 'error') settle.reject(payload);
  });
  socket.on('disconnect', (reason) => {
    disconnects.push(reason);
    settle.reject(new Error(`disconnected: ${reason}`));
  });
  socket.on('connect_error', (error) => settle.reject(error));
  return {
    socket,
    events,
    disconnects,
    ready,
    of: (event) => events.filter((e) => e.event === event).map((e) => e.payload),
    close: () => void socket.disconnect(),
  };
}
