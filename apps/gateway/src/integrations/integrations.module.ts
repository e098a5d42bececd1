import { Module } from '@nestjs/common';
import { CreateIntegrationController } from './create-integration/create-integration.controller.js';
import { CreateIntegrationHandler } from './create-integration/create-integration.handler.js';
import { CreateIntegrationResolver } from './create-integration/create-integration.resolver.js';
import { GetIntegrationController } from './get-integration/get-integration.controller.js';
import { GetIntegrationHandler } from './get-integration/get-integration.handler.js';
import { GetIntegrationResolver } from './get-integration/get-integration.resolver.js';
import { ListIntegrationsController } from './list-integrations/list-integrations.controller.js';
import { ListIntegrationsHandler } from './list-integrations/list-integrations.handler.js';
import { ListIntegrationsResolver } from './list-integrations/list-integrations.resolver.js';
import { SetSubscriptionController } from './set-subscription/set-subscription.controller.js';
import { SetSubscriptionHandler } from './set-subscription/set-subscription.handler.js';
import { SetSubscriptionResolver } from './set-subscription/set-subscription.resolver.js';
import { UpdateIntegrationController } from './update-integration/update-integration.controller.js';
import { UpdateIntegrationHandler } from './update-integration/update-integration.handler.js';
import { UpdateIntegrationResolver } from './update-integration/update-integration.resolver.js';

/**
 * Integrations: members and owners connect the tenant's apps and switch integrations on and off; only the platform
 * admin (billing) sets what was paid.
 */
@Module({
  controllers: [CreateIntegrationController, ListIntegrationsController, GetIntegrationController, UpdateIntegrationController, SetSubscriptionController],
  providers: [
    CreateIntegrationHandler,
    CreateIntegrationResolver,
    ListIntegrationsHandler,
    ListIntegrationsResolver,
    GetIntegrationHandler,
    GetIntegrationResolver,
    UpdateIntegrationHandler,
    UpdateIntegrationResolver,
    SetSubscriptionHandler,
    SetSubscriptionResolver,
  ],
})
export class IntegrationsModule {}
