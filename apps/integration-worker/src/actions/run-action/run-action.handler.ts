import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isUuid, TributaryError } from '@tributary/domain';
import { MessagePublisher } from '@tributary/messaging';
import { TenantContext, TenantRepository, type Principal } from '@tributary/tenancy';
import { parsePayload, Topics } from '@tributary/topics';
import { DataSource, type EntityManager } from 'typeorm';
import { inCallerScope } from '../../caller-scope.js';
import { DeploymentEntity } from '../../deployments/deployment.entity.js';
import { integrationNamed } from '../../deployments/integration-settings.js';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import { RunEntity } from '../../runs/run.entity.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import { ActionEntity } from '../action.entity.js';
import { RunAction } from './run-action.command.js';
import type { RunRequestedBody } from './run-action.dto.js';

interface RunnableAction {
  id: string;
  tenantId: string;
  integration: string;
  method: string;
  deploymentId: string;
  enabled: boolean;
}

/**
 * A run by hand: validates the input against the method's topic, then records the run (`init`)
 * and publishes `integration.action.requested` in one transaction; the worker runs it like any
 * message (retries, dead letters, run history). The platform admin key may run any tenant's action.
 */
@CommandHandler(RunAction)
export class RunActionHandler implements ICommandHandler<RunAction> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
  ) {}

  async execute({ caller, actionId, input, traceparent }: RunAction): Promise<RunRequestedBody> {
    const action = isUuid(actionId) ? await inCallerScope(this.dataSource, caller, (db) => runnableAction(db, caller, actionId)) : undefined;
    if (!action) throw new TributaryError('not_found', 'action_not_found', 'No such action');
    if (!action.enabled) throw new TributaryError('conflict', 'action_disabled', 'The action or its deployment is disabled');
    const route = integrationNamed(this.integrations, action.integration).routes.find((r) => r.method === action.method);
    if (!route) throw new TributaryError('invalid', 'method_unknown', `${action.integration} has no method "${action.method}" any more`);
    const payload = parsePayload(route.topic, input);
    const runId = randomUUID();
    // Publishing writes the message log, which tenant transactions may not: the action was found in the caller's scope above.
    return this.dataSource.transaction(async (db) => {
      const request = await this.publisher.publish(
        db,
        Topics.actionRequested,
        { actionId: action.id, trigger: 'manual', input: { ...payload }, runId },
        { tenantId: action.tenantId, traceparent },
      );
      await db.insert(RunEntity, {
        id: runId,
        tenantId: action.tenantId,
        integration: action.integration,
        method: action.method,
        actionId: action.id,
        deploymentId: action.deploymentId,
        trigger: 'manual',
        messageId: request.id,
        state: 'init',
      });
      return { runId, messageId: request.id };
    });
  }
}

/** The action with its deployment, as far as the caller may see it (a tenant key: its own tenant's). */
async function runnableAction(db: EntityManager, caller: Principal, id: string): Promise<RunnableAction | undefined> {
  const actions =
    caller.kind === 'platform_admin' ? db.createQueryBuilder(ActionEntity, 'a').where('true') : new TenantRepository(db, ActionEntity, TenantContext.of(caller)).query('a');
  return actions
    .innerJoin(DeploymentEntity, 'd', 'd.id = a.deploymentId')
    .select('a.id', 'id')
    .addSelect('a.tenantId', 'tenantId')
    .addSelect('d.integration', 'integration')
    .addSelect('a.method', 'method')
    .addSelect('d.id', 'deploymentId')
    .addSelect('a.enabled AND d.enabled', 'enabled')
    .andWhere('a.id = :id', { id })
    .getRawOne<RunnableAction>();
}
