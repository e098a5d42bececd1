import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `gateway.integration_apps`: an app an integration connects (both of the same tenant, by composite foreign keys). */
@Entity({ schema: 'gateway', name: 'integration_apps' })
export class IntegrationAppEntity {
  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('uuid', { name: 'integration_id' })
  integrationId: string;

  @PrimaryColumn('uuid', { name: 'app_id' })
  appId: string;
}
