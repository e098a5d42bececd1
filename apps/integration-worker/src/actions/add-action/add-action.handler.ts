import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { deploymentOf } from '../../deployments/deployment-lookup.js';
import { integrationNamed } from '../../deployments/integration-settings.js';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import type { ActionBody } from '../action.dto.js';
import { ActionEntity } from '../action.entity.js';
import { AddAction } from './add-action.command.js';

@CommandHandler(AddAction)
export class AddActionHandler implements ICommandHandler<AddAction> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
  ) {}

  execute({ caller, deploymentId, body }: AddAction): Promise<ActionBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => {
      const deployment = await deploymentOf(db, tenant, deploymentId);
      const integration = integrationNamed(this.integrations, deployment.integration);
      const route = integration.routes.find((r) => r.method === body.method);
      // A data method (`GET /v1/actions/:id/data`) has no topic: its action is asked, never run by a message.
      const serves = integration.data?.some((r) => r.method === body.method) ?? false;
      if (!route && !serves) throw new TributaryError('invalid', 'method_unknown', `${deployment.integration} has no method "${body.method}"`);
      if (route && route.runs !== 'per-action') {
        throw new TributaryError('invalid', 'method_not_actionable', `${deployment.integration}.${body.method} runs for every tenant; it takes no actions`);
      }
      const action = { id: randomUUID(), tenantId: tenant.tenantId, deploymentId: deployment.id, method: body.method, onTopic: route ? (body.onTopic ?? true) : false, enabled: true };
      // The deployment's method taken already leaves the row as it is (`orIgnore`): nothing returned means it exists.
      const inserted = await db.createQueryBuilder().insert().into(ActionEntity).values(action).orIgnore().returning('id').execute();
      if ((inserted.raw as unknown[]).length === 0) throw new TributaryError('conflict', 'action_exists', `The deployment already has an action for ${body.method}`);
      return { id: action.id, deploymentId: deployment.id, integration: deployment.integration, method: body.method, topic: route?.topic.name ?? '', onTopic: action.onTopic, enabled: action.enabled };
    });
  }
}
