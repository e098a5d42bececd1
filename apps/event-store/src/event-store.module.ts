import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from '@tributary/database';
import { messagingMigrations, MessagingModule, TransportReadiness } from '@tributary/messaging';
import { HealthModule } from '@tributary/lifecycle';
import { loggingModule, MetricsModule } from '@tributary/observability';
import { tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { EVENT_STORE_ENTITIES } from './database/event-store.entities.js';
import { eventStoreMigrations } from './database/event-store.migrations.js';
import { EventStoreConfig } from './event-store.config.js';
import { EventStoreGraphqlModule } from './graphql/event-store-graphql.module.js';
import { LogModule } from './log/log.module.js';
import type { EventStorePlugin } from './plugins/event-store-plugin.js';
import { installedPlugins } from './plugins/installed-plugins.js';
import { ProjectionsModule } from './projections/projections.module.js';

/** The event store: the log of every topic, the projections derived from it, and its plugins. */
@Module({})
export class EventStoreModule {
  /** `logDestination`: where the logs go (stdout by default; tests read them). */
  static forRoot(config: EventStoreConfig, plugins: readonly EventStorePlugin[] = installedPlugins, logDestination?: DestinationStream): DynamicModule {
    return {
      module: EventStoreModule,
      imports: [
        { module: EventStoreConfigModule, global: true, providers: [{ provide: EventStoreConfig, useValue: config }], exports: [EventStoreConfig] },
        loggingModule('event-store', config.LOG_LEVEL, logDestination),
        MetricsModule.forRoot({ app: 'event-store', messaging: true }),
        HealthModule.forRoot({ provided: [TransportReadiness] }),
        CqrsModule.forRoot(),
        DatabaseModule.forRoot({
          name: 'event-store',
          url: config.DATABASE_URL,
          migrate: config.MIGRATE_ON_START,
          entities: [...EVENT_STORE_ENTITIES, ...plugins.flatMap((p) => p.entities)],
          migrations: [
            ...messagingMigrations,
            ...tenancyMigrations,
            ...eventStoreMigrations,
            ...plugins.flatMap((p) => p.migrations),
          ],
        }),
        MessagingModule.forRoot({
          source: 'event-store',
          signing: config.signing,
          transport: config.transport,
          retentionSeconds: config.MESSAGE_RETENTION_SECONDS,
          partitions: config.MESSAGE_LOG_PARTITIONS,
        }),
        TenancyModule.forRoot({}),
        EventStoreGraphqlModule.forRoot([LogModule, ProjectionsModule, ...plugins.map((p) => p.module)]),
        LogModule,
        ProjectionsModule,
        ...plugins.map((p) => p.module),
      ],
    };
  }
}

@Module({})
class EventStoreConfigModule {}
