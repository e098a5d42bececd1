import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { loadConfig } from '@tributary/runtime';

export class ChangeSinkConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3002;

  @IsString()
  @IsNotEmpty()
  DATABASE_URL: string;

  /** Set to a real server's URL to be woken by LISTEN/NOTIFY; unset for the embedded database. */
  @IsOptional()
  @IsString()
  TRIBUTARY_NOTIFY_URL?: string;

  /** Comma-separated `schema.table` names whose row changes are captured and pushed. */
  @Matches(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)*$/, {
    message: 'CAPTURE_TABLES must be a comma-separated list of schema.table names',
  })
  CAPTURE_TABLES: string = 'event_store.package_status';

  @IsInt()
  @Min(10)
  CHANGE_POLL_MS: number = 250;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  get captureTables(): string[] {
    return this.CAPTURE_TABLES.split(',');
  }
}

export const loadChangeSinkConfig = (env: Record<string, string | undefined>) => loadConfig(ChangeSinkConfig, env);
