import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@tributary/database';
import { messagingMigrations, MessagingModule } from '@tributary/messaging';
import { HealthModule, loggingModule, MetricsModule } from '@tributary/runtime';
import { TrackingModule } from './tracking/tracking.module.js';
import { WorkerConfig } from './worker.config.js';

/** The integration worker: handlers per topic, chained through the transport. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        loggingModule('integration-worker', config.LOG_LEVEL),
        MetricsModule.forRoot({ app: 'integration-worker', messaging: true }),
        HealthModule.forRoot(),
        DatabaseModule.forRoot({
          name: 'integration-worker', url: config.DATABASE_URL, migrate: config.MIGRATE_ON_START, entities: [], migrations: [...messagingMigrations] }),
        MessagingModule.forRoot({
          source: 'integration-worker',
          signing: config.signing,
          transport: config.transport,
        }),
        TrackingModule,
      ],
    };
  }
}
