import { IsInt, Min } from 'class-validator';
import { loadConfig, MessagingAppConfig } from '@tributary/runtime';

export class EventStoreConfig extends MessagingAppConfig {
  override PORT = 3001;

  @IsInt()
  @Min(10)
  CONSUMER_POLL_MS: number = 250;

  /** How often projections look for events appended by other replicas (the in-process path is immediate). */
  @IsInt()
  @Min(10)
  PROJECTION_POLL_MS: number = 1000;
}

export const loadEventStoreConfig = (env: Record<string, string | undefined>) => loadConfig(EventStoreConfig, env);
