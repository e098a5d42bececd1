import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { WebhooksController } from './manage-webhooks/webhooks.controller.js';
import { WebhooksService } from './manage-webhooks/webhooks.service.js';
import { GatewayConfig } from '../gateway.config.js';
import { MemoryRateLimiter, RATE_LIMITER, type RateLimiter } from './rate-limits/rate-limiter.js';
import { RedisRateLimiter } from './rate-limits/redis-rate-limiter.js';
import { IngestBatcher } from './receive-webhook/ingest-batcher.js';
import { ReceiptRetention } from './receive-webhook/receipt-retention.js';
import { WebhookIngress } from './receive-webhook/webhook-ingress.js';
import { WebhooksResolver } from './manage-webhooks/webhooks.resolver.js';

/** Webhook ingress (`/webhooks/:id`, see WebhookIngress) and the webhooks' management API. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksResolver, 
    WebhooksService,
    IngestBatcher,
    WebhookIngress,
    ReceiptRetention,
    {
      provide: RATE_LIMITER,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig): RateLimiter => (config.REDIS_URL ? new RedisRateLimiter(config.REDIS_URL) : new MemoryRateLimiter()),
    },
  ],
  exports: [WebhooksService, WebhookIngress, ReceiptRetention],
})
export class WebhooksModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMITER) private readonly limiter: RateLimiter) {}

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
  }
}
