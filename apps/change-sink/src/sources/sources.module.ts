import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangeSource } from './change-source.js';
import { PostgresChangeSource } from './postgres-change-source.js';
import { TriggerInstaller } from './trigger-installer.js';

/**
 * The databases whose tables are captured: the change-sink's own PostgreSQL (capture triggers, for the platform's
 * tables and, without MYSQL_DATABASE, the operator's) and the operator's MySQL/MariaDB when configured.
 */
@Module({
  providers: [
    TriggerInstaller,
    {
      provide: ChangeSource,
      inject: [DataSource, ChangeSinkConfig, TriggerInstaller],
      // The MySQL source (and its driver, ~17 MB of resident memory) is loaded only when configured.
      useFactory: async (dataSource: DataSource, config: ChangeSinkConfig, installer: TriggerInstaller): Promise<ChangeSource> => {
        if (!config.mysql) return new PostgresChangeSource(dataSource, config, installer);
        const { MysqlChangeSource } = await import('./mysql-change-source.js');
        return new MysqlChangeSource(dataSource, config);
      },
    },
  ],
  exports: [TriggerInstaller, ChangeSource],
})
export class SourcesModule {}
