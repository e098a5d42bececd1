import { IsInt, Matches, Min } from 'class-validator';
import { AppConfig, loadConfig } from '@tributary/runtime';

export class ChangeSinkConfig extends AppConfig {
  override PORT = 3002;

  /** Comma-separated `schema.table` names whose row changes are captured and pushed. */
  @Matches(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)*$/, {
    message: 'CAPTURE_TABLES must be a comma-separated list of schema.table names',
  })
  CAPTURE_TABLES: string = 'event_store.package_status';

  @IsInt()
  @Min(10)
  CHANGE_POLL_MS: number = 250;

  get captureTables(): string[] {
    return this.CAPTURE_TABLES.split(',');
  }
}

export const loadChangeSinkConfig = (env: Record<string, string | undefined>) => loadConfig(ChangeSinkConfig, env);
