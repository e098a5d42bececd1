import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { DeploymentDirectory } from '../../runtime/deployment-directory.js';
import { INTEGRATIONS } from '../../runtime/integration-runtime.js';
import type { IntegrationDefinition } from '../../sdk/integration.js';
import { toDeploymentBody, type DeploymentBody } from '../deployment.dto.js';
import { DeploymentEntity } from '../deployment.entity.js';
import { integrationNamed, validatedSettings } from '../integration-settings.js';
import { CreateDeployment } from './create-deployment.command.js';

@CommandHandler(CreateDeployment)
export class CreateDeploymentHandler implements ICommandHandler<CreateDeployment> {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
    private readonly directory: DeploymentDirectory,
  ) {}

  async execute({ caller, body }: CreateDeployment): Promise<DeploymentBody> {
    const tenant = TenantContext.of(caller);
    const integration = integrationNamed(this.integrations, body.integration);
    const config = validatedSettings(integration.config, body.config ?? {}, 'deployment_config_invalid', 'config');
    const credentials = validatedSettings(integration.credentials, body.credentials ?? {}, 'deployment_credentials_invalid', 'credentials');
    const id = randomUUID();
    const sealed = Object.keys(credentials).length > 0 ? this.directory.seal(id, credentials as Record<string, string>) : null;
    return withTenant(this.dataSource, tenant, async (db) => {
      // A name taken in this tenant and integration leaves the row as it is (`orIgnore`): nothing returned means it exists.
      const inserted = await db
        .createQueryBuilder()
        .insert()
        .into(DeploymentEntity)
        .values({
          id,
          tenantId: tenant.tenantId,
          integration: integration.name,
          name: body.name,
          config: config as object,
          credentialsSealed: sealed,
          allowPrivateNetwork: body.allowPrivateNetwork ?? false,
        })
        .orIgnore()
        .returning('id')
        .execute();
      if ((inserted.raw as unknown[]).length === 0) {
        throw new TributaryError('conflict', 'deployment_exists', `A ${integration.name} deployment named "${body.name}" exists`);
      }
      const row = await new TenantRepository(db, DeploymentEntity, tenant).findOne({ id });
      return toDeploymentBody(row!);
    });
  }
}
