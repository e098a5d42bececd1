import { Module } from '@nestjs/common';
import { WebhooksController } from './manage-webhooks/webhooks.controller.js';
import { WebhooksResolver } from './manage-webhooks/webhooks.resolver.js';
import { WebhooksService } from './manage-webhooks/webhooks.service.js';
import { WebhookIngressModule } from './webhook-ingress.module.js';

/** The webhooks' management API (REST and GraphQL), and the ingress (WebhookIngressModule). */
@Module({
  imports: [WebhookIngressModule],
  controllers: [WebhooksController],
  providers: [WebhooksResolver, WebhooksService],
  exports: [WebhooksService, WebhookIngressModule],
})
export class WebhooksModule {}
