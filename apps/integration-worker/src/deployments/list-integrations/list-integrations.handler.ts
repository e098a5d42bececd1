import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { IntegrationDefinition, QueueBinding } from '../../sdk/integration.js';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import { CONSUMER_GROUP } from '../../runtime/integrations.module.js';
import { queueGroupOf } from '../../runtime/queue-bindings.js';
import type { IntegrationBody, MethodQueueBody } from './list-integrations.dto.js';
import { ListIntegrations } from './list-integrations.query.js';

@QueryHandler(ListIntegrations)
export class ListIntegrationsHandler implements IQueryHandler<ListIntegrations> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    @Inject(CONSUMER_GROUP) private readonly group: string,
  ) {}

  execute(): Promise<IntegrationBody[]> {
    return Promise.resolve(
      this.integrations.map((i) => ({
        name: i.name,
        description: i.description,
        methods: [
          ...i.routes.map((r) => ({
            method: r.method,
            topic: r.topic.name,
            onSuccess: r.onSuccess.map((t) => t.topic.name),
            runs: r.runs,
            description: r.description,
            ...(r.queue ? { queue: this.queueOf(r.queue) } : {}),
          })),
          // Data methods take no topic: an action bound to one is asked (GET /v1/actions/:id/data).
          ...(i.data ?? []).map((r) => ({ method: r.method, topic: '', onSuccess: [], runs: 'on-demand', description: r.description })),
        ],
      })),
    );
  }

  private queueOf(queue: QueueBinding): MethodQueueBody {
    const named = { name: queue.name, group: queueGroupOf(this.group, queue.name), exchange: queue.exchange };
    switch (queue.exchange) {
      case 'direct':
        return { ...named, routingKeys: [...queue.routingKeys] };
      case 'fanout':
        return named;
      case 'header':
        return { ...named, match: queue.match ?? 'all', headers: { ...queue.headers } };
    }
  }
}
