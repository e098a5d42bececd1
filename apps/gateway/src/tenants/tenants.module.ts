import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { OwnTenantController, TenantsController } from './tenants.controller.js';
import { TenantsService } from './tenants.service.js';
import { TenantsResolver } from './tenants.resolver.js';

@Module({
  imports: [ApiKeysModule, IntegrationsModule, WebhooksModule],
  controllers: [TenantsController, OwnTenantController],
  providers: [TenantsResolver, TenantsService],
  exports: [TenantsService],
})
export class TenantsModule {}
