import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from '@tributary/database';
import { messagingMigrations, MessagingModule } from '@tributary/messaging';
import { HealthModule, loggingModule, MetricsModule } from '@tributary/runtime';
import { tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { EventStoreInit1763900002000 } from './database/event-store.migrations.js';
import { EventStoreConfig } from './event-store.config.js';
import { LogModule } from './log/log.module.js';
import { ProjectionsModule } from './projections/projections.module.js';

/** The event store: the log of every topic, and the projections derived from it. */
@Module({})
export class EventStoreModule {
  static forRoot(config: EventStoreConfig): DynamicModule {
    return {
      module: EventStoreModule,
      imports: [
        { module: EventStoreConfigModule, global: true, providers: [{ provide: EventStoreConfig, useValue: config }], exports: [EventStoreConfig] },
        loggingModule('event-store', config.LOG_LEVEL),
        MetricsModule.forRoot({ app: 'event-store', messaging: true }),
        HealthModule.forRoot(),
        CqrsModule.forRoot(),
        DatabaseModule.forRoot({
          name: 'event-store',
          url: config.DATABASE_URL,
          migrate: config.MIGRATE_ON_START,
          entities: [],
          migrations: [...messagingMigrations, ...tenancyMigrations, EventStoreInit1763900002000],
        }),
        MessagingModule.forRoot({
          source: 'event-store',
          signing: config.signing,
          transport: config.transport,
        }),
        TenancyModule.forRoot({}),
        LogModule,
        ProjectionsModule,
      ],
    };
  }
}

@Module({})
class EventStoreConfigModule {}
