import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One call the fake upstream received. */
export interface UpstreamCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

/**
 * A local HTTP service standing in for an external one (a registry, a carrier API) that a test can
 * slow or stop: it answers `GET <path>` with the JSON document `serve`d for that path (404 otherwise)
 * and counts every call. `fail(status)` answers errors, `hold()` keeps answers back until `release()`
 * (a slow upstream), `stop()` closes the port (connections refused) until `start()` opens it again
 * at the same address.
 */
export interface FakeUpstream {
  /** `http://127.0.0.1:<port>`: the same across stop and start. */
  readonly url: string;
  readonly calls: readonly UpstreamCall[];
  serve(path: string, document: unknown): void;
  /** Answers every call with `status` (and a small JSON error) until `recover()`. */
  fail(status?: number): void;
  recover(): void;
  /** Answers nothing until `release()`; `holding()` counts the calls waiting. */
  hold(): void;
  holding(): number;
  /** Answers the held calls (as they would have been answered) and stops holding. */
  release(): void;
  /** Closes the port and every open connection: calls are refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const documents = new Map<string, unknown>();
  const calls: UpstreamCall[] = [];
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let failing: number | undefined;
  let holding = false;

  const answer = (request: IncomingMessage, response: ServerResponse) => {
    if (failing !== undefined) return void response.writeHead(failing, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'failing' }));
    const path = new URL(request.url ?? '/', 'http://upstream').pathname;
    if (!documents.has(path)) return void response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(documents.get(path)));
  };
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    calls.push({ method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers });
    request.resume();
    if (holding) return void held.push(() => answer(request, response));
    answer(request, response);
  };

  let server: Server = createServer(listener);
  const track = (s: Server) => s.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let listening = true;

  const stop = async () => {
    if (!listening) return;
    listening = false;
    held.length = 0;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    serve: (path, document) => void documents.set(path, document),
    fail: (status = 503) => void (failing = status),
    recover: () => void (failing = undefined),
    hold: () => void (holding = true),
    holding: () => held.length,
    release() {
      holding = false;
      held.splice(0).forEach((reply) => reply());
    },
    stop,
    async start() {
      if (listening) return;
      server = createServer(listener);
      track(server);
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
      listening = true;
    },
    close: stop,
  };
}
