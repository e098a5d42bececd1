import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from '@tributary/database';
import { messagingMigrations, MessagingModule } from '@tributary/messaging';
import { HealthModule, loggingModule, MetricsModule } from '@tributary/runtime';
import { tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { GatewayInit1763900001000 } from './database/gateway.migrations.js';
import { GatewayConfig } from './gateway.config.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { WebhookEntity } from './webhooks/webhook.entity.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The gateway: webhook ingress and the management API. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        { module: GatewayConfigModule, global: true, providers: [{ provide: GatewayConfig, useValue: config }], exports: [GatewayConfig] },
        loggingModule('gateway', config.LOG_LEVEL),
        MetricsModule.forRoot({ app: 'gateway', messaging: true }),
        HealthModule.forRoot(),
        CqrsModule.forRoot(),
        DatabaseModule.forRoot({
          name: 'gateway',
          url: config.DATABASE_URL,
          migrate: config.MIGRATE_ON_START,
          entities: [WebhookEntity],
          migrations: [...messagingMigrations, ...tenancyMigrations, GatewayInit1763900001000],
        }),
        MessagingModule.forRoot({
          source: 'gateway',
          signing: config.signing,
          transport: config.transport,
        }),
        TenancyModule.forRoot({ encryptionKey: config.TRIBUTARY_ENCRYPTION_KEY }),
        TenantsModule,
        WebhooksModule,
      ],
    };
  }
}

@Module({})
class GatewayConfigModule {}
