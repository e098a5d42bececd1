import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationBody } from './list-integrations.dto.js';
import { ListIntegrations } from './list-integrations.query.js';

@QueryHandler(ListIntegrations)
export class ListIntegrationsHandler implements IQueryHandler<ListIntegrations> {
  constructor(@Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[]) {}

  execute(): Promise<IntegrationBody[]> {
    return Promise.resolve(
      this.integrations.map((i) => ({
        name: i.name,
        description: i.description,
        methods: [
          ...i.routes.map((r) => ({ method: r.method, topic: r.topic.name, onSuccess: r.onSuccess.map((t) => t.topic.name), runs: r.runs, description: r.description })),
          // Data methods take no topic: an action bound to one is asked (GET /v1/actions/:id/data).
          ...(i.data ?? []).map((r) => ({ method: r.method, topic: '', onSuccess: [], runs: 'on-demand', description: r.description })),
        ],
      })),
    );
  }
}
