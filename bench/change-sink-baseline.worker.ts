import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BareReport, BareRequest, BareRow, BareTransport } from './change-sink-baseline.js';

/**
 * A bare `ws` server that the fan-out bench's unmodified clients connect to (argv[2]: socket.io or
 * graphql-ws). It speaks just enough of the protocol for them — engine.io v4's open packet, the
 * socket.io CONNECT ack and the change-sink's `connected` event, engine.io pings; graphql-ws's
 * connection_ack, the subscription's id, pongs — and nothing else: no authentication, no database,
 * no framework. Told to publish a row, it writes every client the bytes the change-sink writes for
 * the same `broadcasts` row (socket.io: the change under `broadcasts` and under `changes`; graphql-ws:
 * the `next` message of `changes(tables: ["broadcasts"]) { data }`), as cheaply as `ws` allows: the
 * frames built once per row (graphql-ws: once per client, whose subscription id is in them) and one
 * write per client straight to its TCP socket — the floor of this fan-out on this machine.
 */

const transport = process.argv[2] as BareTransport;
/** engine.io's defaults, which the change-sink keeps: a client that gets no ping for 45 s closes. */
const PING_INTERVAL_MS = 25_000;
const PING_TIMEOUT_MS = 20_000;
const SUFFIX = Buffer.from('}');

interface Receiver {
  readonly socket: WebSocket;
  /** graphql-ws: the start of this client's `next` message (its subscription id). */
  prefix?: Buffer;
}

/** Clients a row is written to, in the order they became ready (as the change-sink's). */
const receivers = new Map<WebSocket, Receiver>();
let frameBytes = 0;

/** One WebSocket text frame (server to client: unmasked, final; RFC 6455 5.2) holding `parts`. */
function textFrame(parts: readonly Buffer[]): Buffer {
  const length = parts.reduce((total, part) => total + part.length, 0);
  let header: Buffer;
  if (length < 126) header = Buffer.from([0x81, length]);
  else if (length < 65_536) {
    header = Buffer.from([0x81, 126, 0, 0]);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.from([0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, ...parts], header.length + length);
}

/** The change as the change-sink delivers it (esink's shape); its cursor has the digits of this bench's. */
const changeOf = (row: BareRow) => ({
  id: `${740 + row.id}.${row.id}`,
  table: 'broadcasts',
  type: 'insert',
  data: { id: row.id, body: row.body, sent_ms: row.sent_ms },
  source: 'database',
  source_type: 'postgres',
  timestamp: Date.now(),
  version: 1,
});

/** The client's TCP socket while a frame written to it goes out after everything `ws` wrote (no compression, open). */
function tcpOf(socket: WebSocket): NetSocket | undefined {
  if (socket.readyState !== socket.OPEN) return undefined;
  const tcp = (socket as unknown as { _socket?: NetSocket })._socket;
  return tcp && tcp.writable ? tcp : undefined;
}

function publish(row: BareRow): void {
  if (transport === 'socket.io') {
    const change = JSON.stringify(changeOf(row));
    const frames = Buffer.concat([textFrame([Buffer.from(`42["broadcasts",${change}]`)]), textFrame([Buffer.from(`42["changes",${change}]`)])]);
    frameBytes = frames.length;
    for (const socket of receivers.keys()) tcpOf(socket)?.write(frames);
    return;
  }
  const payload = Buffer.from(JSON.stringify({ data: { changes: { data: changeOf(row).data } } }));
  for (const { socket, prefix } of receivers.values()) {
    const frame = textFrame([prefix!, payload, SUFFIX]);
    frameBytes = frame.length;
    tcpOf(socket)?.write(frame);
  }
}

function socketIo(socket: WebSocket): void {
  const sid = randomBytes(15).toString('base64url');
  socket.send(`0${JSON.stringify({ sid, upgrades: [], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS, maxPayload: 1_000_000 })}`);
  socket.on('message', (data: RawData) => {
    const text = data.toString();
    // "40" + auth: the CONNECT to the main namespace; "3": a pong; "41": a disconnect.
    if (text.startsWith('40')) {
      const id = randomBytes(15).toString('base64url');
      socket.send(`40${JSON.stringify({ sid: id })}`);
      socket.send(`42${JSON.stringify(['connected', { sessionId: id, userId: String(receivers.size + 1), code: 200, message: 'Connected' }])}`);
      receivers.set(socket, { socket });
    } else if (text.startsWith('41')) receivers.delete(socket);
  });
}

function graphqlWs(socket: WebSocket): void {
  socket.on('message', (data: RawData) => {
    const message = JSON.parse(data.toString()) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
    else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    else if (message.type === 'subscribe') receivers.set(socket, { socket, prefix: Buffer.from(`{"id":${JSON.stringify(message.id)},"type":"next","payload":`) });
    else if (message.type === 'complete') receivers.delete(socket);
  });
}

const http = createServer((_request, response) => response.writeHead(404).end());
const server = new WebSocketServer({ server: http });
server.on('connection', (socket) => {
  socket.on('close', () => receivers.delete(socket));
  if (transport === 'socket.io') socketIo(socket);
  else graphqlWs(socket);
});
if (transport === 'socket.io') {
  setInterval(() => {
    for (const socket of server.clients) socket.send('2');
  }, PING_INTERVAL_MS).unref();
}

const reply = (seq: number, report: BareReport) => process.send!({ seq, report });

process.on('message', ({ seq, request }: { seq: number; request: BareRequest }) => {
  if (request.type === 'status') return reply(seq, { type: 'status', receiving: receivers.size, frameBytes });
  // Acknowledged on receipt, before the frames are written: the writer's next row is not held back by this one's fan-out.
  reply(seq, { type: 'published' });
  publish(request.row);
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

http.listen(0, '127.0.0.1', () => reply(0, { type: 'ready', port: (http.address() as AddressInfo).port }));
