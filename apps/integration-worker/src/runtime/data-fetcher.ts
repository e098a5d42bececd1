import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TributaryError } from '@tributary/domain';
import { describeError } from '@tributary/messaging';
import { TenantContext } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { ActionAnswerLog } from '../ingest/action-answer-log.js';
import type { DataContext, DataHandler, DataRoute } from '../sdk/data-route.js';
import type { HandlerLogger } from '../sdk/integration-handler.js';
import type { ActionTarget } from './deployment-directory.js';
import { OutboundHttp } from './outbound-http.js';
import { OutboundHttpMetrics } from './outbound-http-metrics.js';

/** A data action's cached document (`worker.action_data`), as the fetcher sees it. */
export interface DataCache {
  /** When the cached document the caller saw was fetched (null: none): a later one was fetched by another replica. */
  readonly seen: Date | null;
  /** The cached document now, and when it was fetched (null: none). */
  read(): Promise<{ readonly document: object; readonly fetchedAt: Date } | null>;
  /** Keeps a fetched document (the cache write): part of the fetch, under its lock. */
  keep(document: object): Promise<void>;
}

/** The seed of the fetch locks' keys (hashtextextended), apart from the other advisory locks' (7264001 migrations, 7264002 deferred messages). */
const FETCH_LOCK_SEED = 7_264_003;

/** PostgreSQL's lock_not_available: the lock wait passed lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Runs data handlers (on-demand actions): one upstream fetch per action at a time — in this process (a
 * caller that comes while one is under way gets its outcome), and across the worker's replicas (a
 * PostgreSQL advisory lock per tenant and action, held while one fetches: a replica that finds it held
 * waits for it, up to the route's timeout, then serves what the other one kept, or fetches itself if the
 * other one failed). `keep` (the cache write) is part of the fetch, under the lock, so a fetch that
 * outlives its caller's patience still fills the cache. Every answer the handler's HTTP client gets is
 * kept in the worker's ingest log (ActionAnswerLog, batched off the request).
 */
@Injectable()
export class DataFetcher {
  private readonly inFlight = new Map<string, Promise<object>>();
  private readonly logger = new Logger('DataFetcher');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly answers: ActionAnswerLog,
    private readonly dataSource: DataSource,
    private readonly outboundMetrics: OutboundHttpMetrics,
  ) {}

  fetch(target: ActionTarget, route: DataRoute, traceId: string, cache: DataCache): Promise<object> {
    const running = this.inFlight.get(target.actionId);
    if (running) return running;
    const fetching = this.acrossReplicas(target, route, traceId, cache)
      .catch((error: unknown) => {
        // Logged here, once per fetch: its callers may have stopped waiting (timeout) and serve the cache.
        const { code, message } = describeError(error);
        this.logger.warn({ traceId, tenantId: target.tenantId, actionId: target.actionId, errorCode: code }, `data fetch ${target.integration}.${target.method} failed: ${message}`);
        throw error;
      })
      .finally(() => this.inFlight.delete(target.actionId));
    this.inFlight.set(target.actionId, fetching);
    return fetching;
  }

  /**
   * The fetch under the action's lock: a session-level `pg_advisory_lock` of (tenant, action), taken on a
   * connection of its own and held while the handler fetches and the document is kept; its unlock — after
   * the fetch, kept or failed — lets the next one in. No transaction stays open meanwhile (an embedded
   * database, one session for every connection, would otherwise run nothing else until the upstream
   * answered; there the lock is its session's own and never waits: one process, coalesced in `fetch`). A
   * replica that waited and finds a document fetched since its caller looked (`seen`) serves it without
   * calling the upstream; one that waited longer than the route's timeout gives up with `upstream_timeout`
   * (its callers were answered from the cache by then). Should the unlock fail, its connection is broken,
   * and the server releases the lock with the session.
   */
  private async acrossReplicas(target: ActionTarget, route: DataRoute, traceId: string, cache: DataCache): Promise<object> {
    const key = `${target.tenantId}\u001f${target.actionId}`;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    try {
      // SQL: an advisory lock with a bounded wait (no ORM form); the key is the tenant and action, hashed.
      await runner.query(`SELECT set_config('lock_timeout', $1, false)`, [`${route.timeoutMs}ms`]);
      try {
        await runner.query(`SELECT pg_advisory_lock(hashtextextended($1, ${FETCH_LOCK_SEED}))`, [key]);
        locked = true;
      } catch (error) {
        if ((error as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw error;
        throw new TributaryError('unavailable', 'upstream_timeout', `Another replica's fetch of this action did not end within ${route.timeoutMs} ms`);
      } finally {
        await runner.query(`RESET lock_timeout`);
      }
      const cached = await cache.read();
      if (cached && cached.fetchedAt.getTime() !== cache.seen?.getTime()) return cached.document;
      const document = await this.run(target, route, traceId);
      await cache.keep(document);
      return document;
    } finally {
      if (locked) {
        // SQL: the advisory lock's release (no ORM form)
        await runner
          .query(`SELECT pg_advisory_unlock(hashtextextended($1, ${FETCH_LOCK_SEED}))`, [key])
          .catch((error: unknown) => this.logger.warn({ actionId: target.actionId }, `could not release the fetch lock: ${describeError(error).message}`));
      }
      await runner.release();
    }
  }

  private async run(target: ActionTarget, route: DataRoute, traceId: string): Promise<object> {
    const handler = this.moduleRef.get(route.handler, { strict: false }) as DataHandler<object>;
    const context: DataContext = {
      tenant: TenantContext.trusted(target.tenantId, `action:${target.actionId}`),
      integration: target.integration,
      method: target.method,
      action: { id: target.actionId },
      deployment: target.deployment,
      traceId,
      logger: boundLogger(new Logger(`${target.integration}.${target.method}`), { traceId, tenantId: target.tenantId, actionId: target.actionId }),
      // A read: each fetch is its own request, never a repeat of another.
      http: this.answers.recording(
        new OutboundHttp({
          idempotencyKey: `data:${target.actionId}:${randomUUID()}`,
          allowPrivateNetwork: target.allowPrivateNetwork,
          onAttempt: this.outboundMetrics.attempt,
        }),
        { tenantId: target.tenantId, actionId: target.actionId, method: `${target.integration}.${target.method}`, validForSeconds: route.validForSeconds },
      ),
    };
    const document = await handler.fetch(context);
    if (typeof document !== 'object' || document === null) throw new TypeError(`${target.integration}.${target.method} returned no JSON document`);
    return document;
  }
}

function boundLogger(logger: Logger, fields: Record<string, unknown>): HandlerLogger {
  return {
    info: (message, extra) => logger.log({ ...fields, ...extra }, message),
    warn: (message, extra) => logger.warn({ ...fields, ...extra }, message),
    error: (message, extra) => logger.error({ ...fields, ...extra }, message),
  };
}
