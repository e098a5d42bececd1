import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { DeploymentDirectory } from '../../runtime/deployment-directory.js';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import { deploymentOf } from '../deployment-lookup.js';
import { toDeploymentBody, type DeploymentBody } from '../deployment.dto.js';
import { DeploymentEntity } from '../deployment.entity.js';
import { integrationNamed, validatedSettings } from '../integration-settings.js';
import { UpdateDeployment } from './update-deployment.command.js';

@CommandHandler(UpdateDeployment)
export class UpdateDeploymentHandler implements ICommandHandler<UpdateDeployment> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
    private readonly directory: DeploymentDirectory,
  ) {}

  execute({ caller, id, body }: UpdateDeployment): Promise<DeploymentBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => {
      const current = await deploymentOf(db, tenant, id, true);
      const integration = integrationNamed(this.integrations, current.integration);
      const config = body.config === undefined ? current.config : validatedSettings(integration.config, body.config, 'deployment_config_invalid', 'config');
      const credentials =
        body.credentials === undefined ? undefined : validatedSettings(integration.credentials, body.credentials, 'deployment_credentials_invalid', 'credentials');
      const sealed =
        credentials === undefined ? current.credentialsSealed : Object.keys(credentials).length > 0 ? this.directory.seal(current.id, credentials as Record<string, string>) : null;
      const changed = {
        config,
        credentialsSealed: sealed,
        allowPrivateNetwork: body.allowPrivateNetwork ?? current.allowPrivateNetwork,
        enabled: body.enabled ?? current.enabled,
        updatedAt: new Date(),
      };
      await new TenantRepository(db, DeploymentEntity, tenant).update({ id: current.id }, { ...changed, config: changed.config as object });
      return toDeploymentBody({ ...current, ...changed });
    });
  }
}
