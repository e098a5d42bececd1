import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isUuid, TributaryError } from '@tributary/domain';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import type { ActionBody } from '../action.dto.js';
import { ActionEntity } from '../action.entity.js';
import { actionBodies } from '../action-views.js';
import { UpdateAction } from './update-action.command.js';

@CommandHandler(UpdateAction)
export class UpdateActionHandler implements ICommandHandler<UpdateAction> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
  ) {}

  execute({ caller, id, body }: UpdateAction): Promise<ActionBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => {
      const actions = new TenantRepository(db, ActionEntity, tenant);
      const patch = { ...(body.onTopic === undefined ? {} : { onTopic: body.onTopic }), ...(body.enabled === undefined ? {} : { enabled: body.enabled }) };
      const found = !isUuid(id) ? 0 : Object.keys(patch).length > 0 ? await actions.update({ id }, patch) : await actions.count({ id });
      if (found === 0) throw new TributaryError('not_found', 'action_not_found', 'No such action');
      const [action] = await actionBodies(db, tenant, this.integrations, id);
      return action;
    });
  }
}
