import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from '@tributary/database';
import { MESSAGING_ENTITIES, messagingMigrations, MessagingModule, TransportReadiness } from '@tributary/messaging';
import { HealthModule } from '@tributary/lifecycle';
import { loggingModule, MetricsModule } from '@tributary/observability';
import { TENANCY_ENTITIES, tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AppsModule } from './apps/apps.module.js';
import { GATEWAY_ENTITIES } from './database/gateway.entities.js';
import { gatewayMigrations } from './database/gateway.migrations.js';
import { ManagementGraphqlModule } from './graphql/management-graphql.module.js';
import { OperatorModule } from './operator/operator.module.js';
import { GatewayConfig } from './gateway.config.js';
import { IngestModule } from './ingest/ingest.module.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { ListenModule } from './listen/listen.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** The gateway: webhook ingress and the management API of the tenancy domain (tenants, users, keys, apps, integrations, webhooks). */
@Module({})
export class GatewayModule {
  /** `logDestination`: where the logs go (stdout by default; tests read them). */
  static forRoot(config: GatewayConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        { module: GatewayConfigModule, global: true, providers: [{ provide: GatewayConfig, useValue: config }], exports: [GatewayConfig] },
        loggingModule('gateway', config.LOG_LEVEL, logDestination),
        MetricsModule.forRoot({ app: 'gateway', messaging: true }),
        HealthModule.forRoot({ provided: [TransportReadiness] }),
        CqrsModule.forRoot(),
        DatabaseModule.forRoot({
          name: 'gateway',
          url: config.DATABASE_URL,
          migrate: config.MIGRATE_ON_START,
          entities: [...MESSAGING_ENTITIES, ...TENANCY_ENTITIES, ...GATEWAY_ENTITIES],
          migrations: [...messagingMigrations, ...tenancyMigrations, ...gatewayMigrations],
        }),
        MessagingModule.forRoot({
          source: 'gateway',
          signing: config.signing,
          transport: config.transport,
          retentionSeconds: config.MESSAGE_RETENTION_SECONDS,
          partitions: config.MESSAGE_LOG_PARTITIONS,
        }),
        TenancyModule.forRoot({ encryptionKey: config.TRIBUTARY_ENCRYPTION_KEY }),
        ManagementGraphqlModule,
        TenantsModule,
        UsersModule,
        ApiKeysModule,
        AppsModule,
        IntegrationsModule,
        WebhooksModule,
        IngestModule,
        OperatorModule,
        ListenModule,
      ],
    };
  }
}

@Module({})
class GatewayConfigModule {}
