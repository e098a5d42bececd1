import { IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { ConsumerAppConfig, loadConfig } from '@tributary/runtime';

export class WorkerConfig extends ConsumerAppConfig {
  override PORT = 3003;

  @IsInt()
  @Min(1)
  HANDLER_MAX_ATTEMPTS: number = 5;

  /** Base64 of 32 random bytes: encrypts deployment credentials at rest (the gateway's key). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  TRIBUTARY_ENCRYPTION_KEY?: string;
}

export const loadWorkerConfig = (env: Record<string, string | undefined>) => loadConfig(WorkerConfig, env);
