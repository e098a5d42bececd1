import { createClient, type Client } from 'graphql-ws';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { monotonicMs, type ClientsReport, type ClientsRequest } from './change-sink-clients.js';

/**
 * A share of the fan-out bench's clients, in a process of their own (forked by change-sink-clients.ts)
 * so that decoding what 5,000 clients receive is not queued behind one event loop. Each receipt is
 * stamped with monotonicMs(), the clock the writer stamped the row with; every client checks that it
 * gets each change once and in order.
 */

interface Row {
  readonly id: number;
  readonly sent_ms: number;
  readonly body?: string;
}

/** Receipts of measured fan-out changes: row id, then receipt time, repeated. */
let receipts = new Float64Array(1 << 16);
let receiptCount = 0;
let routed = 0;
let duplicates = 0;
let outOfOrder = 0;
const sockets: Socket[] = [];
const graphqlClients: Client[] = [];

/** CPU time this process used so far (user and system), in ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function record(id: number, at: number): void {
  if (receiptCount * 2 + 2 > receipts.length) {
    const bigger = new Float64Array(receipts.length * 2);
    bigger.set(receipts);
    receipts = bigger;
  }
  receipts[receiptCount * 2] = id;
  receipts[receiptCount * 2 + 1] = at;
  receiptCount++;
}

/** One client's view: the last row id it got per table (row ids grow in commit order in this bench). */
function receiver(): (table: 'broadcasts' | 'inbox', row: Row) => void {
  const last = { broadcasts: 0, inbox: 0 };
  return (table, row) => {
    const at = monotonicMs();
    if (row.id === last[table]) duplicates++;
    else if (row.id < last[table]) outOfOrder++;
    last[table] = Math.max(last[table], row.id);
    if (table === 'inbox') routed++;
    else if (row.body === 'measured') record(row.id, at);
  };
}

function connectSocket(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60_000 });
    const receive = receiver();
    socket.once('connected', () => resolve());
    socket.once('error', reject);
    socket.once('connect_error', reject);
    socket.on('broadcasts', (change: { data: Row }) => receive('broadcasts', change.data));
    socket.on('inbox', (change: { data: Row }) => receive('inbox', change.data));
    sockets.push(socket);
  });
}

function connectGraphql(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const receive = receiver();
    const client = createClient({
      url: `${url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { token },
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => resolve() },
      onNonLazyError: reject,
    });
    graphqlClients.push(client);
    client.subscribe<{ changes: { data: Row } }>(
      { query: 'subscription { changes(tables: ["broadcasts"]) { data } }' },
      { next: ({ data }) => data && receive('broadcasts', data.changes.data), error: () => undefined, complete: () => undefined },
    );
  });
}

async function connect(request: Extract<ClientsRequest, { type: 'connect' }>): Promise<void> {
  const one = request.transport === 'socket.io' ? connectSocket : connectGraphql;
  // In waves, so the handshakes do not time out on two cores.
  for (let i = 0; i < request.tokens.length; i += 100) await Promise.all(request.tokens.slice(i, i + 100).map((token) => one(request.url, token)));
}

async function handle(request: ClientsRequest): Promise<ClientsReport> {
  switch (request.type) {
    case 'connect':
      await connect(request);
      return { type: 'connected', clients: sockets.length + graphqlClients.length };
    case 'progress':
      return { type: 'progress', measured: receiptCount, routed, duplicates, outOfOrder, cpuMs: cpuMs() };
    case 'receipts':
      return { type: 'receipts', receipts: receipts.slice(0, receiptCount * 2), routed, duplicates, outOfOrder };
    case 'close':
      sockets.forEach((s) => s.disconnect());
      await Promise.all(graphqlClients.map((c) => c.dispose()));
      return { type: 'closed' };
  }
}

process.on('message', (message: { seq: number; request: ClientsRequest }) => {
  handle(message.request).then(
    (report) => process.send!({ seq: message.seq, report }),
    (error: Error) => process.send!({ seq: message.seq, error: error?.message ?? String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
