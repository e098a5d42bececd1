import { IsInt, IsNotEmpty, IsString, IsUrl, Min } from 'class-validator';
import { loadConfig, MessagingAppConfig } from '@tributary/runtime';

export class GatewayConfig extends MessagingAppConfig {
  override PORT = 3000;

  /** Base URL webhooks are reached at from outside (what `webhook create` prints). */
  @IsUrl({ require_tld: false, require_protocol: true })
  PUBLIC_URL: string = 'http://localhost:3000';

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
}

export const loadGatewayConfig = (env: Record<string, string | undefined>) => loadConfig(GatewayConfig, env);
