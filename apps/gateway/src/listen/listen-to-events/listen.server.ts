import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { codedError, STATUS_OF_KIND, validationPipe, type ErrorBody } from '@tributary/edge';
import { ApiKeys, bearerToken, TenantContext } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { WebSocket, WebSocketServer } from 'ws';
import { GatewayConfig } from '../../gateway.config.js';
import { GetWebhook } from '../../webhooks/get-webhook/get-webhook.query.js';
import { decodeCursor, encodeCursor, type ListenCursor } from './listen-cursor.js';
import { ListenQuery } from './listen.dto.js';
import { ReadListenPage } from './read-listen-page.query.js';

/** Where `tributary listen` connects (a WebSocket upgrade); a plain GET is answered by ListenController. */
export const LISTEN_PATH = '/v1/listen';
/** How often a listener's tenant messages are read. */
const POLL_MS = 500;
/** A listener that does not read (its socket's buffer over this) skips polls until it does. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** The close code of a listener whose key no longer authenticates (application range, after HTTP 401). */
export const CLOSE_UNAUTHENTICATED = 4401;

interface Listener {
  readonly tenant: TenantContext;
  readonly token: string;
  readonly filter: { readonly topic?: string; readonly webhookId?: string };
  cursor: ListenCursor;
}

/**
 * `GET /v1/listen` upgraded to a WebSocket: a tenant's live events for `tributary listen`, which forwards them to a
 * local URL. The upgrade is authenticated with the tenant's API key (`Authorization: Bearer`) and its query
 * validated before the handshake — a refusal is the platform's JSON error with its status (401, 403, 400, 404).
 * Then the server sends JSON text frames: `{ type: 'ready', cursor }`, and `{ type: 'event', cursor, event }` per
 * message of the tenant (or of its topic or webhook) appended since, in offset order per partition. A client that
 * reconnects with `?after=<the cursor of the last event it handled>` gets every event after it again: at least once.
 */
@Injectable()
export class ListenServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ListenServer');
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Open streams per tenant on this replica (counted from admission, so that concurrent upgrades cannot pass the cap together). */
  private readonly open = new Map<string, number>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeys,
    private readonly queryBus: QueryBus,
    private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    // Other paths are left to their own upgrade listeners (graphql-ws at /ui/graphql).
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = pathnameOf(request);
      // A request target that is no URL is no one's route: closed, not left open.
      if (path === undefined) return void socket.destroy();
      if (path !== LISTEN_PATH) return;
      this.upgrade(request, socket, head).catch((error: unknown) => {
        this.logger.error({ err: error }, 'listen upgrade failed');
        socket.destroy();
      });
    });
  }

  beforeApplicationShutdown(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const traceId = randomBytes(16).toString('hex');
    socket.on('error', () => socket.destroy());
    let listener: Listener;
    try {
      listener = await this.admit(request);
    } catch (error) {
      refuse(socket, error, traceId, this.logger);
      return;
    }
    const tenantId = listener.tenant.tenantId;
    const held = this.open.get(tenantId) ?? 0;
    if (held >= this.config.LISTEN_MAX_PER_TENANT) {
      const error = new TributaryError('rate_limited', 'too_many_listeners', `This tenant already has ${held} listen streams open here; close one first`);
      refuse(socket, error, traceId, this.logger);
      return;
    }
    this.open.set(tenantId, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.open.get(tenantId) ?? 1) - 1;
      if (left > 0) this.open.set(tenantId, left);
      else this.open.delete(tenantId);
    };
    // A socket that goes before the handshake completes gives its place back too.
    socket.once('close', release);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      ws.once('close', release);
      this.serve(ws, listener);
    });
  }

  private async admit(request: IncomingMessage): Promise<Listener> {
    const token = bearerToken(request.headers.authorization);
    const caller = await this.apiKeys.authenticate(this.dataSource, token);
    const tenant = TenantContext.of(caller);
    const params = Object.fromEntries(new URL(request.url ?? '/', 'http://gateway').searchParams);
    const query = (await validationPipe().transform(params, { type: 'query', metatype: ListenQuery })) as ListenQuery;
    // The webhook must be the caller's: another tenant's id is answered as no webhook at all.
    if (query.webhook !== undefined) await this.queryBus.execute(new GetWebhook(caller, query.webhook));
    const filter = { topic: query.topic, webhookId: query.webhook };
    // A new listener starts at the end of the log now: its ready frame carries that cursor, to resume from.
    const cursor = query.after === undefined ? (await this.queryBus.execute(new ReadListenPage(tenant, undefined, filter))).cursor : query.after;
    return { tenant, token: token!, filter, cursor: decodeCursor(cursor) };
  }

  private serve(ws: WebSocket, listener: Listener): void {
    let reading = false;
    let checkedAt = Date.now();
    const send = (frame: object) => ws.send(JSON.stringify(frame));
    const tick = async () => {
      if (reading || ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
      reading = true;
      try {
        // A revoked key or a disabled tenant ends the stream.
        if (Date.now() - checkedAt > this.config.LISTEN_AUTH_RECHECK_MS) {
          checkedAt = Date.now();
          if (!(await this.stillValid(listener))) return ws.close(CLOSE_UNAUTHENTICATED, 'unauthenticated: the key no longer authenticates');
        }
        const page = await this.queryBus.execute(new ReadListenPage(listener.tenant, listener.cursor, listener.filter));
        listener.cursor = decodeCursor(page.cursor);
        for (const { event, cursor } of page.events) send({ type: 'event', cursor, event });
      } catch (error) {
        // A failed read (the database away a moment) skips this poll; the stream goes on.
        this.logger.warn({ tenantId: listener.tenant.tenantId, err: error }, 'listen read failed');
      } finally {
        reading = false;
      }
    };
    const poll = (): void => {
      tick().catch((error: unknown) => this.logger.error({ err: error }, 'listen poll failed'));
    };
    const timer = setInterval(poll, POLL_MS);
    ws.on('close', () => clearInterval(timer));
    ws.on('error', () => ws.terminate());
    send({ type: 'ready', cursor: encodeCursor(listener.cursor) });
    poll();
  }

  private async stillValid(listener: Listener): Promise<boolean> {
    try {
      const caller = await this.apiKeys.authenticate(this.dataSource, listener.token);
      return caller.kind === 'tenant' && caller.tenantId === listener.tenant.tenantId;
    } catch (error) {
      if (codedError(error)?.kind === 'unavailable') return true;
      return false;
    }
  }
}

/**
 * The path of an upgrade request, or undefined when its request target is no URL (`GET http://[ …`): this runs in the
 * HTTP server's `upgrade` listener, where a throw is an uncaught exception that ends the process.
 */
function pathnameOf(request: IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'http://gateway').pathname;
  } catch {
    return undefined;
  }
}

/** Answers a refused upgrade with the platform's error body and status, and closes the socket. */
function refuse(socket: Duplex, error: unknown, traceId: string, logger: Logger): void {
  let coded = codedError(error);
  if (!coded) {
    logger.error({ err: error, traceId }, 'listen upgrade failed');
    coded = new TributaryError('internal', 'internal', 'Internal error');
  }
  const status = STATUS_OF_KIND[coded.kind];
  const body: ErrorBody = { error: { code: coded.code, message: coded.message, ...(coded.details ? { details: coded.details } : {}) }, traceId };
  const text = JSON.stringify(body);
  socket.end(
    [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, 'Connection: close', 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(text)}`, '', text].join('\r\n'),
  );
}
