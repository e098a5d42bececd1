import { IsInt, Min } from 'class-validator';
import { ConsumerAppConfig, loadConfig } from '@tributary/runtime';

export class WorkerConfig extends ConsumerAppConfig {
  override PORT = 3003;

  @IsInt()
  @Min(1)
  HANDLER_MAX_ATTEMPTS: number = 5;
}

export const loadWorkerConfig = (env: Record<string, string | undefined>) => loadConfig(WorkerConfig, env);
