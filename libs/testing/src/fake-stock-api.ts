import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One product's offer as the fake ERP lists it. */
export interface FakeStockItem {
  readonly price?: string | number;
  readonly currency?: string;
  readonly available?: number;
  readonly updatedAt?: string;
}

export interface FakeStockCall {
  readonly path: string;
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
}

/**
 * A stand-in for an ERP's stock-and-price API, which the catalog integration pulls from:
 * `GET /v1/stock?limit=&cursor=&sku=&sku=` with `X-Api-Key`, answering
 * `{ "items": [{ "sku", "price", "currency", "available", "updatedAt" }], "nextCursor": string | null }`
 * in SKU order; 401 `{ "message" }` for a wrong key, 503 while `down()`.
 */
export interface FakeStockApi {
  readonly url: string;
  readonly secret: string;
  readonly calls: FakeStockCall[];
  /** Sets (or replaces) a SKU's offer. */
  set(sku: string, item: FakeStockItem): void;
  /** Answers 503 until `up()`. */
  down(): void;
  up(): void;
  stop(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export async function startFakeStockApi(): Promise<FakeStockApi> {
  const secret = `erp_${randomUUID()}`;
  const items = new Map<string, FakeStockItem>();
  const calls: FakeStockCall[] = [];
  let unavailable = false;
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const reply = (status: number, body: unknown) => {
      calls.push({ path: `${url.pathname}${url.search}`, status, headers: request.headers });
      json(response, status, body);
    };
    if (request.method !== 'GET' || url.pathname !== '/v1/stock') return reply(404, { message: 'Not found' });
    if (request.headers['x-api-key'] !== secret) return reply(401, { message: 'Invalid API key' });
    if (unavailable) return reply(503, { message: 'Maintenance' });
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 100) || 100, 1000);
    const cursor = url.searchParams.get('cursor') ?? '';
    const wanted = url.searchParams.getAll('sku');
    const listed = [...items.keys()].sort().filter((sku) => sku > cursor && (wanted.length === 0 || wanted.includes(sku)));
    const page = listed.slice(0, limit);
    reply(200, {
      items: page.map((sku) => ({ sku, ...items.get(sku) })),
      nextCursor: listed.length > limit ? page[page.length - 1] : null,
    });
  };
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secret,
    calls,
    set: (sku, item) => void items.set(sku, item),
    down: () => void (unavailable = true),
    up: () => void (unavailable = false),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
