import { IsInt, Min } from 'class-validator';
import { ConsumerAppConfig, loadConfig } from '@tributary/runtime';

export class EventStoreConfig extends ConsumerAppConfig {
  override PORT = 3001;

  /** How often projections look for events appended by other replicas (the in-process path is immediate). */
  @IsInt()
  @Min(10)
  PROJECTION_POLL_MS: number = 1000;
}

export const loadEventStoreConfig = (env: Record<string, string | undefined>) => loadConfig(EventStoreConfig, env);
