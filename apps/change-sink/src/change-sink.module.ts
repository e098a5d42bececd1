import { Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { DatabaseModule } from '@tributary/database';
import { HealthModule } from '@tributary/lifecycle';
import { loggingModule, MetricsModule } from '@tributary/observability';
import { tenancyMigrations, TenancyModule } from '@tributary/tenancy';
import { ChangeSinkConfig } from './change-sink.config.js';
import { ChangeSinkInit1763900003000 } from './database/change-sink.migrations.js';
import { ChangeSinkCapture1764003000000 } from './database/change-sink-capture.migrations.js';
import { ChangeSinkIsolation1764003000100 } from './database/change-sink-isolation.migrations.js';
import { ChangeSinkNotifyOnce1764003000300 } from './database/change-sink-notify-once.migrations.js';
import { ChangeSinkRetention1764003000200 } from './database/change-sink-retention.migrations.js';
import { CaptureModule } from './capture/capture.module.js';
import { CaptureReadiness } from './capture/capture.readiness.js';
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
          entities: [],
          migrations: [...tenancyMigrations, ChangeSinkInit1763900003000, ChangeSinkCapture1764003000000, ChangeSinkIsolation1764003000100, ChangeSinkRetention1764003000200, ChangeSinkNotifyOnce1764003000300],
        }),
        TenancyModule.forRoot({}),
        SubscriptionsModule,
      ],
    };
  }
}

@Module({})
class ChangeSinkConfigModule {}
