import { IsInt, Min } from 'class-validator';
import { loadConfig, MessagingAppConfig } from '@tributary/runtime';

export class WorkerConfig extends MessagingAppConfig {
  override PORT = 3003;

  @IsInt()
  @Min(1)
  HANDLER_MAX_ATTEMPTS: number = 5;

  @IsInt()
  @Min(10)
  CONSUMER_POLL_MS: number = 250;
}

export const loadWorkerConfig = (env: Record<string, string | undefined>) => loadConfig(WorkerConfig, env);
