import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eventually, sendStandardWebhook, testSecrets } from '@tributary/testing';
import { Webhook } from 'standardwebhooks';
import WebSocket from 'ws';
import { run, type CliResult } from '../../apps/cli/src/main.js';
import { createTestDatabase, LogCapture, provisionTenant, startGateway, type RunningGateway, type TestDatabase } from '../support/gateway-harness.js';

/** The cap of open listen streams per tenant this suite runs with (the default is 10). */
const LISTEN_MAX = 8;
const update = (trackingId: string) => ({ trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' });

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local HTTP server `listen` forwards to: it keeps every request and answers 200 (or `status`). */
async function startTarget(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** A running `tributary listen`: the lines it printed, and a way to stop it (Ctrl-C) and get its result. */
interface RunningListen {
  readonly lines: Record<string, unknown>[];
  /** How it ended: when stopped, or by itself (a refusal). */
  readonly result: Promise<CliResult>;
  stop(): Promise<CliResult>;
}

/**
 * `tributary listen` through the real CLI (its `run`, as `bin/tributary.js` calls it) against a running gateway: a
 * tenant's live events forwarded to a local server, signed; another tenant's never; refusals before the handshake.
 */
describe('tributary listen against a running gateway', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  let target: Awaited<ReturnType<typeof startTarget>>;
  let dir: string;
  let a: Awaited<ReturnType<typeof provisionTenant>>;
  let b: Awaited<ReturnType<typeof provisionTenant>>;
  const running: RunningListen[] = [];

  const json = (result: CliResult) => JSON.parse(result.exitCode === 0 ? result.stdout : result.stderr);
  const envOf = (apiKey: string) => ({ TRIBUTARY_URL: gateway.base, TRIBUTARY_API_KEY: apiKey });

  /** Starts `tributary listen <args>` as the tenant of `apiKey`, and waits for it to be connected (its ready line). */
  async function listen(apiKey: string, args: string[]): Promise<RunningListen> {
    const lines: Record<string, unknown>[] = [];
    let pending = '';
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        pending += chunk.toString('utf8');
        const complete = pending.split('\n');
        pending = complete.pop()!;
        lines.push(...complete.map((line) => JSON.parse(line) as Record<string, unknown>));
        done();
      },
    });
    const abort = new AbortController();
    const result = run(['listen', ...args], envOf(apiKey), dir, { stdout, signal: abort.signal });
    const listener: RunningListen = {
      lines,
      result,
      stop: async () => {
        abort.abort();
        return result;
      },
    };
    running.push(listener);
    await Promise.race([
      eventually(async () => lines.some((l) => l.ready === true), Boolean),
      result.then((r) => Promise.reject(new Error(`listen ended: ${r.stderr}`))),
    ]);
    return listener;
  }

  const forwarded = (listener: RunningListen) => listener.lines.filter((l) => 'eventId' in l);
  const bodies = (path: string) => target.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as { id: string; tenantid: string; type: string; data: { trackingId: string } });

  /** Opens a WebSocket to /v1/listen and reports how the upgrade was answered. */
  const upgrade = (query: string, key: string | undefined) =>
    new Promise<{ status: number; body: { error?: { code: string }; traceId?: string } }>((resolve, reject) => {
      const ws = new WebSocket(`${gateway.base.replace('http', 'ws')}/v1/listen${query}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      ws.on('unexpected-response', (_request, response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      });
      ws.on('open', () => {
        ws.close();
        resolve({ status: 101, body: {} });
      });
      ws.on('error', (error) => (error.message.startsWith('Unexpected server response') ? undefined : reject(error)));
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    // The key of a live stream is checked again every second (30 s by default), so that a revocation shows quickly.
    gateway = await startGateway(db.url, new LogCapture(), { LISTEN_AUTH_RECHECK_MS: '1000', LISTEN_MAX_PER_TENANT: String(LISTEN_MAX) }, testSecrets());
    a = await provisionTenant(gateway.admin, 'cli-listen-a');
    b = await provisionTenant(gateway.admin, 'cli-listen-b');
    target = await startTarget();
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-listen-'));
  });

  afterAll(async () => {
    for (const listener of running) await listener.stop();
    await new Promise((resolve) => target?.server.close(resolve));
    await gateway?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("forwards the tenant's live events to the local URL, signed with the secret it printed; never another tenant's", async () => {
    const listenA = await listen(a.tenant.apiKey, ['--forward-to', `${target.url}/a`]);
    const listenB = await listen(b.tenant.apiKey, ['--forward-to', `${target.url}/b`]);
    const secret = listenA.lines[0].secret as string;
    expect(listenA.lines[0]).toEqual({ forwardTo: `${target.url}/a`, secret: expect.stringMatching(/^whsec_/) });

    // B's delivery is accepted (and committed) before A's: a poll that finds A's has read past B's.
    expect((await sendStandardWebhook(b.webhook.url, b.webhook.secret, update('LISTEN-B-1'), { id: 'listen_b_1' })).status).toBe(202);
    expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('LISTEN-A-1'), { id: 'listen_a_1' })).status).toBe(202);
    await eventually(async () => bodies('/a').length + bodies('/b').length, (n) => n >= 2);

    const [toA] = target.received.filter((r) => r.path === '/a');
    const verified = new Webhook(secret).verify(toA.body, toA.headers as Record<string, string>) as { id: string; tenantid: string; data: { trackingId: string } };
    expect(verified).toMatchObject({ tenantid: a.tenant.id, type: 'tracking.carrier-update.received', data: { trackingId: 'LISTEN-A-1' } });
    expect(toA.headers['webhook-id']).toBe(verified.id);
    expect(() => new Webhook(listenB.lines[0].secret as string).verify(toA.body, toA.headers as Record<string, string>)).toThrow();
    expect(bodies('/a').map((e) => e.data.trackingId)).toEqual(['LISTEN-A-1']);
    expect(bodies('/b').map((e) => [e.tenantid, e.data.trackingId])).toEqual([[b.tenant.id, 'LISTEN-B-1']]);
    expect(JSON.stringify(target.received.filter((r) => r.path === '/a'))).not.toContain('LISTEN-B-1');

    expect(forwarded(listenA)).toEqual([
      { at: expect.any(String), eventId: verified.id, type: 'tracking.carrier-update.received', status: 200, durationMs: expect.any(Number), cursor: expect.any(String) },
    ]);
    const stopped = await listenA.stop();
    expect(stopped).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('forwards again every event after a cursor given with --after (at least once), and only those of --webhook or --topic', async () => {
    const second = await a.owner.create('/v1/webhooks', { appId: a.app.id, topic: 'tracking.carrier-update.received', name: 'second' });
    const all = await listen(a.tenant.apiKey, ['--forward-to', `${target.url}/all`]);
    const start = all.lines.find((l) => l.ready === true)!.cursor as string;
    const onlySecond = await listen(a.tenant.apiKey, ['--forward-to', `${target.url}/second`, '--webhook', second.id]);
    const packages = await a.owner.create('/v1/webhooks', { appId: a.app.id, topic: 'tracking.package.updated', name: 'packages' });
    const otherTopic = await listen(a.tenant.apiKey, ['--forward-to', `${target.url}/packages`, '--topic', 'tracking.package.updated']);
    expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('LISTEN-A-2'), { id: 'listen_a_2' })).status).toBe(202);
    expect((await sendStandardWebhook(second.url, second.secret, update('LISTEN-A-3'), { id: 'listen_a_3' })).status).toBe(202);
    const packageUpdated = { trackingId: 'LISTEN-A-4', carrier: 'dhl', status: 'delivered', carrierStatus: 'Delivered', occurredAt: '2026-11-23T11:00:00Z' };
    expect((await sendStandardWebhook(packages.url, packages.secret, packageUpdated, { id: 'listen_a_4' })).status).toBe(202);
    await eventually(async () => [bodies('/all').length, bodies('/second').length, bodies('/packages').length], ([n, m, p]) => n >= 3 && m >= 1 && p >= 1);
    expect(bodies('/all').map((e) => e.data.trackingId).sort()).toEqual(['LISTEN-A-2', 'LISTEN-A-3', 'LISTEN-A-4']);
    // The carrier updates were committed before the package update: the poll that found it had read past them.
    expect(bodies('/packages').map((e) => [e.type, e.data.trackingId])).toEqual([['tracking.package.updated', 'LISTEN-A-4']]);
    expect(bodies('/second').map((e) => e.data.trackingId)).toEqual(['LISTEN-A-3']);

    const resumed = await listen(a.tenant.apiKey, ['--forward-to', `${target.url}/resumed`, '--after', start, '--secret', `whsec_${Buffer.alloc(24, 1).toString('base64')}`]);
    await eventually(async () => bodies('/resumed').length, (n) => n >= 3);
    // In order per partition (a tenant's subject, here a tracking id); across partitions in no promised order.
    expect(bodies('/resumed').map((e) => e.data.trackingId).sort()).toEqual(['LISTEN-A-2', 'LISTEN-A-3', 'LISTEN-A-4']);
    expect(resumed.lines[0].secret).toBe(`whsec_${Buffer.alloc(24, 1).toString('base64')}`);
    for (const listener of [all, onlySecond, resumed, otherTopic]) expect(await listener.stop()).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('reconnects with backoff when the connection drops, and resumes after the last event forwarded: none missed in the gap', async () => {
    // A TCP relay in front of the gateway, to cut the CLI's connection and refuse new ones for a while.
    const sockets = new Set<Socket>();
    const relay = createNetServer((socket) => {
      const upstream = connect(Number(new URL(gateway.base).port), '127.0.0.1');
      for (const s of [socket, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as AddressInfo).port;
    const abort = new AbortController();
    const lines: Record<string, unknown>[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
        done();
      },
    });
    const result = run(['listen', '--forward-to', `${target.url}/relayed`], { TRIBUTARY_URL: `http://127.0.0.1:${port}`, TRIBUTARY_API_KEY: a.tenant.apiKey }, dir, { stdout, signal: abort.signal });
    await eventually(async () => lines.some((l) => l.ready === true), Boolean);
    expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('LISTEN-GAP-1'), { id: 'listen_gap_1' })).status).toBe(202);
    await eventually(async () => bodies('/relayed').length, (n) => n >= 1);

    await new Promise<void>((resolve) => {
      relay.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    await eventually(async () => lines.filter((l) => l.reconnecting === true).length, (n) => n >= 1);
    expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update('LISTEN-GAP-2'), { id: 'listen_gap_2' })).status).toBe(202);
    await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    await eventually(async () => bodies('/relayed').length, (n) => n >= 2, { timeoutMs: 40_000 });
    abort.abort();
    expect(await result).toMatchObject({ exitCode: 0, stderr: '' });
    relay.close();
    for (const socket of sockets) socket.destroy();

    expect(bodies('/relayed').map((e) => e.data.trackingId)).toEqual(['LISTEN-GAP-1', 'LISTEN-GAP-2']);
    expect(lines.filter((l) => l.ready === true).length).toBeGreaterThanOrEqual(2);
    expect(lines.find((l) => l.reconnecting === true)).toMatchObject({ inMs: 500 });
  }, 60_000);

  it('stops forwarding at Ctrl-C: the forward under way ends, the events received behind it are not posted (it posted them all first)', async () => {
    // A local URL that holds its first answer until released: the events behind it wait in the CLI.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const posted: string[] = [];
    const slow = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        posted.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { trackingId: string } }).data.trackingId);
        if (posted.length > 1) return void response.writeHead(200).end();
        held.then(
          () => response.writeHead(200).end(),
          () => undefined,
        );
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const stopping = await listen(a.tenant.apiKey, ['--forward-to', `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`]);
      const watching = await listen(a.tenant.apiKey, ['--forward-to', `${target.url}/watching`]);
      for (const n of [1, 2, 3]) expect((await sendStandardWebhook(a.webhook.url, a.webhook.secret, update(`LISTEN-STOP-${n}`), { id: `listen_stop_${n}` })).status).toBe(202);
      // The gateway has streamed the three (another listener of the tenant got them), and the first forward is held.
      await eventually(async () => [forwarded(watching).length, posted.length], ([n, p]) => n >= 3 && p >= 1);
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // the stopping listener's own polls, past the three
      const result = stopping.stop();
      release();
      expect(await result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(posted).toHaveLength(1); // whichever came first (three tracking ids: three partitions, in no promised order)
      expect(forwarded(stopping).map((l) => l.status)).toEqual([200]);
      await watching.stop();
    } finally {
      release();
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('refuses a bad key (exit 1, unauthenticated), and another tenant\'s webhook as none, before any event', async () => {
    const bad = await run(['listen', '--forward-to', `${target.url}/bad`], envOf(`trb_aaaaaaaaaaaa_${'a'.repeat(43)}`), dir);
    expect([bad.exitCode, json(bad).error.code, json(bad).status]).toEqual([1, 'unauthenticated', 401]);
    const foreign = await run(['listen', '--forward-to', `${target.url}/bad`, '--webhook', b.webhook.id], envOf(a.tenant.apiKey), dir);
    expect([foreign.exitCode, json(foreign).error.code, json(foreign).status]).toEqual([1, 'webhook_not_found', 404]);
    expect(target.received.filter((r) => r.path === '/bad')).toEqual([]);
  });

  it('ends with exit 1 unauthenticated when its key is revoked while it listens (the gateway checks the key again every LISTEN_AUTH_RECHECK_MS)', async () => {
    const member = (await a.owner.create('/v1/api-keys', { name: 'listener', role: 'member' })) as { id: string; key: string };
    const listener = await listen(member.key, ['--forward-to', `${target.url}/revoked`]);
    const revoked = await a.owner.delete(`/v1/api-keys/${member.id}`);
    expect(revoked.status).toBeLessThan(300);
    const result = await listener.result;
    expect([result.exitCode, json(result).error.code]).toEqual([1, 'unauthenticated']);
  });

  it.each([
    ['no --forward-to', [], 'option_missing'],
    ['a --forward-to that is no http URL', ['--forward-to', 'ftp://example.com'], 'option_invalid'],
    ['a --secret that is no whsec_ secret', ['--forward-to', 'http://127.0.0.1:9', '--secret', 'hunter2'], 'option_invalid'],
  ])('refuses %s with exit 2 (a usage error)', async (_case, args, code) => {
    const result = await run(['listen', ...args], envOf(a.tenant.apiKey), dir);
    expect([result.exitCode, json(result).error.code]).toEqual([2, code]);
  });

  it('answers a refused upgrade with the JSON error and its status: 401 without a key, 403 for the admin key, 400 for a bad query, 404 for a foreign webhook', async () => {
    const refusals = [
      await upgrade('', undefined),
      await upgrade('', gateway.admin.key as string),
      await upgrade('?topic=no.such.topic', a.tenant.apiKey),
      await upgrade('?after=not*a*cursor', a.tenant.apiKey),
      // An empty cursor is no cursor (it read as "every partition from its start": the whole log again).
      await upgrade('?after=', a.tenant.apiKey),
      await upgrade('?webhook=not-a-uuid', a.tenant.apiKey),
      await upgrade(`?webhook=${b.webhook.id}`, a.tenant.apiKey),
    ];
    expect(refusals.map((r) => [r.status, r.body.error?.code])).toEqual([
      [401, 'unauthenticated'],
      [403, 'tenant_required'],
      [400, 'validation_failed'],
      [400, 'cursor_invalid'],
      [400, 'validation_failed'],
      [400, 'validation_failed'],
      [404, 'webhook_not_found'],
    ]);
    for (const refusal of refusals) expect(refusal.body.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect((await upgrade('', a.tenant.apiKey)).status).toBe(101);
  });

  it('holds a tenant to LISTEN_MAX_PER_TENANT open streams: one more is 429 too_many_listeners, other tenants unaffected, a closed one frees its place', async () => {
    const capped = await provisionTenant(gateway.admin, 'cli-listen-capped');
    const url = `${gateway.base.replace('http', 'ws')}/v1/listen`;
    const opened = await Promise.all(
      Array.from({ length: LISTEN_MAX }, () => {
        const ws = new WebSocket(url, { headers: { authorization: `Bearer ${capped.tenant.apiKey}` } });
        return new Promise<WebSocket>((resolve, reject) => {
          ws.on('open', () => resolve(ws));
          ws.on('error', reject);
        });
      }),
    );
    const over = await upgrade('', capped.tenant.apiKey);
    expect([over.status, over.body.error?.code, typeof over.body.traceId]).toEqual([429, 'too_many_listeners', 'string']);
    expect((await upgrade('', b.tenant.apiKey)).status).toBe(101);
    const closed = new Promise((resolve) => opened[0].once('close', resolve));
    opened[0].close();
    await closed;
    await eventually(async () => (await upgrade('', capped.tenant.apiKey)).status, (status) => status === 101, { timeoutMs: 5_000 });
    for (const ws of opened) ws.close();
  });

  it('closes an upgrade whose request target is no URL, and stays up (it threw out of the upgrade listener: the process died)', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(gateway.base).port), '127.0.0.1', () =>
        socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
    });
    expect(answer).toBe('');
    expect((await upgrade('', a.tenant.apiKey)).status).toBe(101);
    expect((await fetch(`${gateway.base}/v1/listen`)).status).toBe(401);
  });

  it('answers a plain GET /v1/listen (no upgrade) 400 websocket_required, and 401 without a key', async () => {
    const plain = await fetch(`${gateway.base}/v1/listen`, { headers: { authorization: `Bearer ${a.tenant.apiKey}` } });
    expect([plain.status, ((await plain.json()) as { error: { code: string } }).error.code]).toEqual([400, 'websocket_required']);
    expect((await fetch(`${gateway.base}/v1/listen`)).status).toBe(401);
  });

  it('gives a cursor a listener can resume after on a log of many partitions (it grew past the 16 KiB a request can carry)', async () => {
    // 600 partitions (15 topics at MESSAGE_LOG_PARTITIONS=40), each with an offset of 7 digits.
    await gateway.dataSource.query(`INSERT INTO messaging.topics (topic, partitions) VALUES ('listen.wide-log', 600)`);
    await gateway.dataSource.query(
      `INSERT INTO messaging.topic_partitions (topic, partition, next_offset)
       SELECT 'listen.wide-log', p, 1000000 + (p::bigint * 7919 * 104729) % 9000000 FROM generate_series(0, 599) AS p`,
    );
    const ws = new WebSocket(`${gateway.base.replace('http', 'ws')}/v1/listen`, { headers: { authorization: `Bearer ${a.tenant.apiKey}` } });
    const ready = await new Promise<{ type: string; cursor: string }>((resolve, reject) => {
      ws.on('message', (data) => resolve(JSON.parse(String(data)) as { type: string; cursor: string }));
      ws.on('error', reject);
    });
    ws.close();
    expect(ready.type).toBe('ready');
    expect((await upgrade(`?after=${ready.cursor}`, a.tenant.apiKey)).status).toBe(101);
  });
});
