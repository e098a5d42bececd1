import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { DestinationStream } from 'pino';
import { DatabaseModule } from '@tributary/database';
import { HealthModule } from '@tributary/lifecycle';
import { loggingModule, MetricsModule } from '@tributary/observability';
import { TENANCY_ENTITIES, tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { ChangeSinkConfig } from './change-sink.config.js';
import { CHANGE_SINK_ENTITIES } from './database/change-sink.entities.js';
import { changeSinkMigrations } from './database/change-sink.migrations.js';
import { CaptureModule } from './capture/capture.module.js';
import { CaptureReadiness } from './capture/capture.readiness.js';
import { PublishingModule } from './publishing/publishing.module.js';
import { SocketModule } from './socket/socket.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';

/** The change-sink: captured table changes, pushed live to authorized clients (socket.io and graphql-ws). */
@Module({})
export class ChangeSinkModule {
  /** `logDestination`: where the logs go (stdout by default; tests read them). */
  static forRoot(config: ChangeSinkConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: ChangeSinkModule,
      imports: [
        { module: ChangeSinkConfigModule, global: true, providers: [{ provide: ChangeSinkConfig, useValue: config }], exports: [ChangeSinkConfig] },
        loggingModule('change-sink', config.LOG_LEVEL, logDestination),
        MetricsModule.forRoot({ app: 'change-sink' }),
        HealthModule.forRoot({ imports: [CaptureModule], checks: [CaptureReadiness] }),
        DatabaseModule.forRoot({
          name: 'change-sink',
          url: config.DATABASE_URL,
          migrate: config.MIGRATE_ON_START,
          // The tenancy entities: the credential re-check reads API keys (Authenticator.revoked).
          entities: [...TENANCY_ENTITIES, ...CHANGE_SINK_ENTITIES],
          migrations: [...tenancyMigrations, ...changeSinkMigrations],
        }),
        TenancyModule.forRoot({}),
        CqrsModule.forRoot(),
        SocketModule,
        SubscriptionsModule,
        PublishingModule,
      ],
    };
  }
}

@Module({})
class ChangeSinkConfigModule {}
