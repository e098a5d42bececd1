import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTributaryError } from '@tributary/domain';
import { OutboundHttp } from './outbound-http.js';

interface Arrival {
  /** When the request reached the server (its clock, ms). */
  readonly at: number;
  readonly idempotencyKey: string;
}

/** A real HTTP server answering each request with `answer(n)` (n = 1, 2, …), recording when each arrived. */
async function startServer(answer: (n: number, request: IncomingMessage, response: ServerResponse) => void) {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((request, response) => {
    arrivals.push({ at: performance.now(), idempotencyKey: String(request.headers['idempotency-key']) });
    request.resume();
    request.on('end', () => answer(arrivals.length, request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const client = () => new OutboundHttp({ idempotencyKey: 'trb_outbound_test', allowPrivateNetwork: true });

/** The handlers' outbound client (`context.http`) against a real server: Retry-After and timeouts, attempt by attempt. */
describe('outbound HTTP (context.http)', () => {
  const servers: Array<{ stop(): Promise<void> }> = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));
  const serve = async (answer: Parameters<typeof startServer>[0]) => {
    const server = await startServer(answer);
    servers.push(server);
    return server;
  };

  it('sends a form URL-encoded (POST by default, with its content type and length), a JSON body as JSON, and refuses both at once before sending', async () => {
    const received: Array<{ method?: string; contentType?: string; contentLength?: string; body: string }> = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ method: request.method, contentType: request.headers['content-type'], contentLength: request.headers['content-length'], body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"t"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ stop: () => new Promise((resolve) => server.close(() => resolve())) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;

    const form = { grant_type: 'client_credentials', client_id: 'id with space&amp', client_secret: 's=cr+t/ü' };
    // remoteAddress: the peer of the connection the answer came over.
    expect(await client().request({ url, form })).toMatchObject({ status: 200, body: { access_token: 't' }, remoteAddress: '127.0.0.1' });
    expect(received[0]).toEqual({
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      contentLength: String(Buffer.byteLength(received[0].body)),
      body: 'grant_type=client_credentials&client_id=id+with+space%26amp&client_secret=s%3Dcr%2Bt%2F%C3%BC',
    });
    expect(Object.fromEntries(new URLSearchParams(received[0].body))).toEqual(form);

    await client().request({ method: 'PUT', url, json: { a: 1 } });
    expect(received[1]).toMatchObject({ method: 'PUT', contentType: 'application/json', body: '{"a":1}' });

    await expect(client().request({ url, json: {}, form: {} })).rejects.toThrow(TypeError);
    expect(received).toHaveLength(2);
  });

  it('waits at least the Retry-After a 503 or 429 asks for before the next attempt, with the same Idempotency-Key', async () => {
    const server = await serve((n, _, response) => {
      if (n === 1) return response.writeHead(503, { 'retry-after': '1' }).end();
      if (n === 2) return response.writeHead(429, { 'retry-after': '1' }).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"ext-1"}');
    });
    const answer = await client().request({ method: 'POST', url: server.url, json: { hello: 1 } });
    expect(answer).toMatchObject({ status: 200, body: { id: 'ext-1' } });
    const [first, second, third] = server.arrivals;
    expect(server.arrivals).toHaveLength(3);
    // The server's own clock: each retry came a second (less timer granularity) after the answer that asked for it.
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(third.at - second.at).toBeGreaterThanOrEqual(950);
    expect(new Set(server.arrivals.map((a) => a.idempotencyKey))).toEqual(new Set(['trb_outbound_test']));
  });

  it('gives up after the configured attempts with upstream_unavailable when every answer is a 5xx', async () => {
    const server = await serve((_, __, response) => response.writeHead(502, { 'retry-after': '0' }).end());
    const failure = await client().request({ url: server.url, attempts: 2 }).catch((error: unknown) => error);
    expect(isTributaryError(failure) && { code: failure.code, retryable: failure.retryable, details: failure.details }).toEqual({
      code: 'upstream_unavailable',
      retryable: true,
      // remoteAddress: the address the refused answer came from (the worker's ingest log keeps it as sourceIp).
      details: { status: 502, retryAfter: '0', remoteAddress: '127.0.0.1' },
    });
    expect(server.arrivals).toHaveLength(2);
  });

  it.each([
    ['never answers', (_: number, __: IncomingMessage, response: ServerResponse) => void response],
    ['sends its headers and then nothing', (_: number, __: IncomingMessage, response: ServerResponse) => void response.writeHead(200, { 'content-type': 'application/json' }).write('{"id":')],
  ])('fails each attempt at its timeout when the server %s: upstream_timeout after the configured attempts', async (_, answer) => {
    for (const attempts of [1, 3]) {
      const server = await serve(answer);
      const failure = await client().request({ url: server.url, timeoutMs: 200, attempts }).catch((error: unknown) => error);
      expect(isTributaryError(failure) && { code: failure.code, retryable: failure.retryable, details: failure.details }).toEqual({
        code: 'upstream_timeout',
        retryable: true,
        details: { timeoutMs: 200, attempts },
      });
      expect(server.arrivals).toHaveLength(attempts);
    }
  });
});
