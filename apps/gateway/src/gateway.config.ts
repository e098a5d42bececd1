import { IsIn, IsInt, IsNotEmpty, IsString, IsUrl, Max, Min } from 'class-validator';
import { loadConfig } from '@tributary/runtime';

export class GatewayConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  @IsNotEmpty()
  DATABASE_URL: string;

  /** Base URL webhooks are reached at from outside (what `webhook create` prints). */
  @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:3000';

  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY_ID: string = 'k1';

  /** HMAC key for message signatures (at least 32 characters). */
  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY: string;

  /** Base64 of 32 random bytes: encrypts webhook secrets at rest. */
  @IsString()
  @IsNotEmpty()
  TRIBUTARY_ENCRYPTION_KEY: string;

  /** How far a webhook's timestamp may be from now, either way. */
  @IsInt()
  @Min(1)
  WEBHOOK_TOLERANCE_SECONDS: number = 300;

  @IsString()
  WEBHOOK_BODY_LIMIT: string = '1mb';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
}

export const loadGatewayConfig = (env: Record<string, string | undefined>) => loadConfig(GatewayConfig, env);
