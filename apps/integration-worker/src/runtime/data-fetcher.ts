import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { describeError } from '@tributary/messaging';
import { TenantContext } from '@tributary/tenancy';
import { ActionAnswerLog } from '../ingest/action-answer-log.js';
import type { DataContext, DataHandler, DataRoute } from '../sdk/data-route.js';
import type { HandlerLogger } from '../sdk/integration-handler.js';
import type { ActionTarget } from './deployment-directory.js';
import { OutboundHttp } from './outbound-http.js';

/**
 * Runs data handlers (on-demand actions): one upstream fetch per action at a time in this process —
 * a caller that comes while one is under way gets its outcome — and `keep` (the cache write) as
 * part of the fetch, so a fetch that outlives its caller's patience still fills the cache. Every answer the
 * handler's HTTP client gets is kept in the worker's ingest log (ActionAnswerLog, batched off the request).
 */
@Injectable()
export class DataFetcher {
  private readonly inFlight = new Map<string, Promise<object>>();
  private readonly logger = new Logger('DataFetcher');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly answers: ActionAnswerLog,
  ) {}

  fetch(target: ActionTarget, route: DataRoute, traceId: string, keep: (document: object) => Promise<void>): Promise<object> {
    const running = this.inFlight.get(target.actionId);
    if (running) return running;
    const fetching = this.run(target, route, traceId)
      .then(async (document) => {
        await keep(document);
        return document;
      })
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
        new OutboundHttp({ idempotencyKey: `data:${target.actionId}:${randomUUID()}`, allowPrivateNetwork: target.allowPrivateNetwork }),
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
