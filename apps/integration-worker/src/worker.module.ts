import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from '@tributary/database';
import { MESSAGING_ENTITIES, messagingMigrations, MessagingModule, TransportReadiness } from '@tributary/messaging';
import { HealthModule } from '@tributary/lifecycle';
import { loggingModule, MetricsModule } from '@tributary/observability';
import { tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { ActionsModule } from './actions/actions.module.js';
import { WORKER_ENTITIES } from './database/worker.entities.js';
import { workerMigrations } from './database/worker.migrations.js';
import { DeadLettersModule } from './dead-letters/dead-letters.module.js';
import { DeploymentsModule } from './deployments/deployments.module.js';
import { IngestModule } from './ingest/ingest.module.js';
import { integrations } from './integrations/integrations.js';
import { RunsModule } from './runs/runs.module.js';
import type { IntegrationDefinition } from './sdk/integration.js';
import { IntegrationsModule } from './runtime/integrations.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { SettlementsModule } from './settlements/settlements.module.js';
import { TrackAndTraceModule } from './track-and-trace/track-and-trace.module.js';
import { WorkerConfig } from './worker.config.js';

/** The integration worker: the integrations' handlers per topic, chained through the transport, and the API that manages them. */
@Module({})
export class WorkerModule {
  /** `only`: other integrations than the worker's (a test's). */
  static forRoot(config: WorkerConfig, only: readonly IntegrationDefinition[] = integrations): DynamicModule {
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
          entities: [...MESSAGING_ENTITIES, ...WORKER_ENTITIES],
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
        CqrsModule.forRoot(),
        IntegrationsModule.forRoot({
          integrations: only,
          retry: { maxAttempts: config.HANDLER_MAX_ATTEMPTS, baseDelayMs: 200, maxDelayMs: 30_000 },
        }),
        DeploymentsModule,
        ActionsModule,
        RunsModule,
        SchedulesModule,
        TrackAndTraceModule,
        DeadLettersModule,
        SettlementsModule,
        IngestModule,
      ],
    };
  }
}

@Module({})
class WorkerConfigModule {}
