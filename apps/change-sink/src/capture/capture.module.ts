import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangePolicy } from '../delivery/change-policy.js';
import { ChangeSource } from '../sources/change-source.js';
import { PostgresChangeSource } from '../sources/postgres-change-source.js';
import { CaptureLifecycle } from './capture-lifecycle.js';
import { ChangeReader } from './change-reader.js';
import { TriggerInstaller } from './trigger-installer.js';

/** Capture: triggers (Postgres) or the outbox relay (MySQL) into the change table, and its reader. */
@Module({
  providers: [
    ChangePolicy,
    TriggerInstaller,
    ChangeReader,
    CaptureLifecycle,
    {
      provide: ChangeSource,
      inject: [DataSource, ChangeSinkConfig, TriggerInstaller],
      // The MySQL source (and its driver, ~17 MB of resident memory) is loaded only when configured.
      useFactory: async (dataSource: DataSource, config: ChangeSinkConfig, installer: TriggerInstaller): Promise<ChangeSource> => {
        if (!config.mysql) return new PostgresChangeSource(dataSource, config, installer);
        const { MysqlChangeSource } = await import('../sources/mysql-change-source.js');
        return new MysqlChangeSource(dataSource, config);
      },
    },
  ],
  exports: [ChangeReader, TriggerInstaller, ChangeSource, ChangePolicy],
})
export class CaptureModule {}
