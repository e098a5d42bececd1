import { IsInt, Max, Min } from 'class-validator';
import { ConsumerAppConfig, loadConfig } from '@tributary/config';

export class EventStoreConfig extends ConsumerAppConfig {
  override PORT = 3001;

  /** How often projections look for events appended by other replicas (the in-process path is immediate). */
  @IsInt()
  @Min(10)
  PROJECTION_POLL_MS: number = 1000;

  /** Events a live projection applies per transaction. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  PROJECTION_BATCH_SIZE: number = 500;

  /** Events a rebuild applies to its shadow tables per transaction (its resume granularity). */
  @IsInt()
  @Min(1)
  @Max(50_000)
  REBUILD_BATCH_SIZE: number = 10_000;
}

export const loadEventStoreConfig = (env: Record<string, string | undefined>) => loadConfig(EventStoreConfig, env);
