import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Min } from 'class-validator';
import { ConsumerAppConfig, loadConfig } from '@tributary/config';

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

  /** Where tracking notifications are sent (`smtp://user:pass@host:587`, `smtps://…`); unset: the local mailbox. */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be smtp://… or smtps://…' })
  SMTP_URL?: string;

  /** The From of tracking notifications. */
  @IsString()
  @IsNotEmpty()
  MAIL_FROM: string = 'Tributary <notifications@tributary.local>';

  /** How long the run history is kept (runs started longer ago are deleted). */
  @IsInt()
  @Min(60)
  RUN_RETENTION_SECONDS: number = 30 * 24 * 3_600;

  /** How long the ingest log (upstream answers to actions) is kept (entries received longer ago are deleted). */
  @IsInt()
  @Min(60)
  INGEST_RETENTION_SECONDS: number = 30 * 24 * 3_600;
}

export const loadWorkerConfig = (env: Record<string, string | undefined>) => loadConfig(WorkerConfig, env);
