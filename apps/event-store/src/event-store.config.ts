import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { loadConfig } from '@tributary/runtime';

export class EventStoreConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3001;

  @IsString()
  @IsNotEmpty()
  DATABASE_URL: string;

  /** Set to a real server's URL to be woken by LISTEN/NOTIFY; unset for the embedded database. */
  @IsOptional()
  @IsString()
  TRIBUTARY_NOTIFY_URL?: string;

  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY_ID: string = 'k1';

  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY: string;

  @IsInt()
  @Min(10)
  CONSUMER_POLL_MS: number = 250;

  /** How often projections look for events appended by other replicas (the in-process path is immediate). */
  @IsInt()
  @Min(10)
  PROJECTION_POLL_MS: number = 1000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}

export const loadEventStoreConfig = (env: Record<string, string | undefined>) => loadConfig(EventStoreConfig, env);
