import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config.js';
import { IngestModule } from '../ingest/ingest.module.js';
import { MemoryRateLimiter, RATE_LIMITER, type RateLimiter } from './rate-limits/rate-limiter.js';
import { RedisRateLimiter } from './rate-limits/redis-rate-limiter.js';
import { IngestBatcher } from './receive-webhook/ingest-batcher.js';
import { ReceiptRetention } from './receive-webhook/receipt-retention.js';
import { WebhookDirectory } from './receive-webhook/webhook-directory.js';
import { WebhookGatesChangedHandler } from './receive-webhook/webhook-gates-changed.handler.js';
import { WebhookIngress } from './receive-webhook/webhook-ingress.js';

/**
 * Webhook ingress (`/webhooks/:id`, see WebhookIngress), apart from the management API so that the
 * operator can tap deliveries without importing the webhooks' GraphQL resolvers: GraphQL's
 * `include` is transitive over module imports. Management changes make its WebhookDirectory forget
 * what it cached: the webhooks feature's own handlers directly, others through WebhookGatesChanged.
 */
@Module({
  imports: [IngestModule],
  providers: [
    IngestBatcher,
    WebhookDirectory,
    WebhookGatesChangedHandler,
    WebhookIngress,
    ReceiptRetention,
    {
      provide: RATE_LIMITER,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig): RateLimiter => (config.REDIS_URL ? new RedisRateLimiter(config.REDIS_URL) : new MemoryRateLimiter()),
    },
  ],
  exports: [WebhookIngress, ReceiptRetention, WebhookDirectory],
})
export class WebhookIngressModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMITER) private readonly limiter: RateLimiter) {}

  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
  }
}
