import { Module } from '@nestjs/common';
import { CreateWebhookController } from './create-webhook/create-webhook.controller.js';
import { CreateWebhookHandler } from './create-webhook/create-webhook.handler.js';
import { CreateWebhookResolver } from './create-webhook/create-webhook.resolver.js';
import { ExpireWebhookSecretController } from './expire-webhook-secret/expire-webhook-secret.controller.js';
import { ExpireWebhookSecretHandler } from './expire-webhook-secret/expire-webhook-secret.handler.js';
import { ExpireWebhookSecretResolver } from './expire-webhook-secret/expire-webhook-secret.resolver.js';
import { GetWebhookController } from './get-webhook/get-webhook.controller.js';
import { GetWebhookHandler } from './get-webhook/get-webhook.handler.js';
import { GetWebhookResolver } from './get-webhook/get-webhook.resolver.js';
import { ListWebhookSecretsController } from './list-webhook-secrets/list-webhook-secrets.controller.js';
import { ListWebhookSecretsHandler } from './list-webhook-secrets/list-webhook-secrets.handler.js';
import { ListWebhookSecretsResolver } from './list-webhook-secrets/list-webhook-secrets.resolver.js';
import { ListWebhooksController } from './list-webhooks/list-webhooks.controller.js';
import { ListWebhooksHandler } from './list-webhooks/list-webhooks.handler.js';
import { ListWebhooksResolver } from './list-webhooks/list-webhooks.resolver.js';
import { ProvisionWebhookController } from './provision-webhook/provision-webhook.controller.js';
import { ProvisionWebhookHandler } from './provision-webhook/provision-webhook.handler.js';
import { RotateWebhookSecretController } from './rotate-webhook-secret/rotate-webhook-secret.controller.js';
import { RotateWebhookSecretHandler } from './rotate-webhook-secret/rotate-webhook-secret.handler.js';
import { RotateWebhookSecretResolver } from './rotate-webhook-secret/rotate-webhook-secret.resolver.js';
import { UpdateWebhookController } from './update-webhook/update-webhook.controller.js';
import { UpdateWebhookHandler } from './update-webhook/update-webhook.handler.js';
import { UpdateWebhookResolver } from './update-webhook/update-webhook.resolver.js';
import { WebhookIngressModule } from './webhook-ingress.module.js';

/**
 * Webhooks and their secrets, managed over REST and GraphQL: members and owners create, change and rotate; anyone
 * in the tenant reads (never a secret's value); the platform admin provisions. The ingress is WebhookIngressModule.
 */
@Module({
  imports: [WebhookIngressModule],
  controllers: [
    CreateWebhookController,
    ProvisionWebhookController,
    ListWebhooksController,
    GetWebhookController,
    UpdateWebhookController,
    ListWebhookSecretsController,
    RotateWebhookSecretController,
    ExpireWebhookSecretController,
  ],
  providers: [
    CreateWebhookHandler,
    CreateWebhookResolver,
    ProvisionWebhookHandler,
    ListWebhooksHandler,
    ListWebhooksResolver,
    GetWebhookHandler,
    GetWebhookResolver,
    UpdateWebhookHandler,
    UpdateWebhookResolver,
    ListWebhookSecretsHandler,
    ListWebhookSecretsResolver,
    RotateWebhookSecretHandler,
    RotateWebhookSecretResolver,
    ExpireWebhookSecretHandler,
    ExpireWebhookSecretResolver,
  ],
  exports: [WebhookIngressModule],
})
export class WebhooksModule {}
