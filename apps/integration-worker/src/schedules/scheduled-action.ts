import { isUuid, TributaryError } from '@tributary/domain';
import { TenantRepository, type TenantContext } from '@tributary/tenancy';
import { parsePayload } from '@tributary/topics';
import type { EntityManager } from 'typeorm';
import { ActionEntity } from '../actions/action.entity.js';
import { DeploymentEntity } from '../deployments/deployment.entity.js';
import type { IntegrationDefinition } from '../sdk/integration.js';

export interface ScheduledAction {
  readonly id: string;
  readonly integration: string;
  readonly method: string;
}

/** The tenant's action a schedule runs, with its deployment's integration; `action_not_found` otherwise. */
export async function scheduledAction(db: EntityManager, tenant: TenantContext, id: string): Promise<ScheduledAction> {
  const row = isUuid(id)
    ? await new TenantRepository(db, ActionEntity, tenant)
        .query('a')
        .innerJoin(DeploymentEntity, 'd', 'd.id = a.deploymentId')
        .select('a.id', 'id')
        .addSelect('d.integration', 'integration')
        .addSelect('a.method', 'method')
        .andWhere('a.id = :id', { id })
        .getRawOne<ScheduledAction>()
    : undefined;
  if (!row) throw new TributaryError('not_found', 'action_not_found', 'No such action');
  return row;
}

/** A firing's input, validated against the action's method's topic (`payload_invalid`). */
export function scheduledInput(integrations: readonly IntegrationDefinition[], action: ScheduledAction, input: Record<string, unknown>): Record<string, unknown> {
  const route = integrations.find((i) => i.name === action.integration)?.routes.find((r) => r.method === action.method);
  if (!route) throw new TributaryError('invalid', 'method_unknown', `${action.integration} has no method "${action.method}"`);
  return { ...parsePayload(route.topic, input) };
}
