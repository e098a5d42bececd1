import { Injectable } from '@nestjs/common';
import type { PackageStateChanged } from '@tributary/topics';
import type { HandlerContext, HandlerResult, IntegrationHandler } from '../../sdk/integration-handler.js';
import type { RelayConfig, RelayCredentials } from './webhook-relay.integration.js';

/** What the relay publishes when the external service took the change (see `onSuccess`). */
export interface Relayed {
  readonly trackingId: string;
  readonly externalId: string;
}

/**
 * POSTs each package state change to the deployment's URL, authenticated with its token. The
 * call carries the run's Idempotency-Key, so the receiver can drop a repeat; a redelivered message
 * never calls twice (the runtime's inbox), a 429/5xx is retried (Retry-After honoured), a 4xx is
 * final (dead letter).
 */
@Injectable()
export class RelayStateChange implements IntegrationHandler<PackageStateChanged, Relayed> {
  async handle(change: PackageStateChanged, context: HandlerContext<Relayed, RelayConfig, RelayCredentials>): Promise<HandlerResult<Relayed>> {
    const { config, credentials } = context.deployment!;
    const answer = await context.http.request({
      method: 'POST',
      url: config.url,
      headers: { authorization: `Bearer ${credentials.token}` },
      json: { event: 'package.state_changed', tenantId: context.tenant.tenantId, ...change },
      timeoutMs: config.timeoutMs ?? 5_000,
    });
    const externalId = String((answer.body as { id?: unknown })?.id ?? answer.headers['x-request-id'] ?? '');
    context.record({ foreignId: externalId, response: answer.body });
    context.logger.info('state change relayed', { trackingId: change.trackingId, status: answer.status });
    return { trackingId: change.trackingId, externalId };
  }
}
