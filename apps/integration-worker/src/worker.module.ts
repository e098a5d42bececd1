import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@tributary/database';
import { messagingMigrations, MessagingModule, TransportReadiness } from '@tributary/messaging';
import { HealthModule } from '@tributary/lifecycle';
import { loggingModule, MetricsModule } from '@tributary/observability';
import { tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { WorkerApiModule } from './worker-api.module.js';
import { workerMigrations } from './database/worker.migrations.js';
import { integrations } from './integrations/integrations.js';
import { IntegrationsModule } from './sdk/integrations.module.js';
import { WorkerConfig } from './worker.config.js';

/** The integration worker: handlers per topic, chained through the transport. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        { module: WorkerConfigModule, global: true, providers: [{ provide: WorkerConfig, useValue: config }], exports: [WorkerConfig] },
        loggingModule('integration-worker', config.LOG_LEVEL),
        MetricsModule.forRoot({ app: 'integration-worker', messaging: true }),
        HealthModule.forRoot({ provided: [TransportReadiness] }),
        DatabaseModule.forRoot({
          name: 'integration-worker',
          url: config.DATABASE_URL,
          migrate: config.MIGRATE_ON_START,
          entities: [],
          migrations: [...messagingMigrations, ...tenancyMigrations, ...workerMigrations],
        }),
        MessagingModule.forRoot({
          source: 'integration-worker',
          signing: config.signing,
          transport: config.transport,
          retentionSeconds: config.MESSAGE_RETENTION_SECONDS,
          partitions: config.MESSAGE_LOG_PARTITIONS,
        }),
        TenancyModule.forRoot({ encryptionKey: config.TRIBUTARY_ENCRYPTION_KEY }),
        WorkerApiModule,
        IntegrationsModule.forRoot({
          integrations,
          retry: { maxAttempts: config.HANDLER_MAX_ATTEMPTS, baseDelayMs: 200, maxDelayMs: 30_000 },
        }),
      ],
    };
  }
}

@Module({})
class WorkerConfigModule {}
