import { Module } from '@nestjs/common';
import { CreateWebhookController } from './create-webhook/create-webhook.controller.js';
import { CreateWebhookHandler } from './create-webhook/create-webhook.handler.js';
import { IngestBatcher } from './receive-webhook/ingest-batcher.js';
import { ReceiveWebhookHandler } from './receive-webhook/receive-webhook.handler.js';
import { WebhookController } from './receive-webhook/webhook.controller.js';
import { WebhookDirectory } from './webhook-directory.js';

@Module({
  controllers: [WebhookController, CreateWebhookController],
  providers: [ReceiveWebhookHandler, CreateWebhookHandler, IngestBatcher, WebhookDirectory],
})
export class WebhooksModule {}
