import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Min } from 'class-validator';
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

  /**
   * The platform admin key (`trb_…`), registered at start if not yet known. Generate one with
   * `npm run tributary -- admin-key generate`. Unset: no admin key is created by the gateway.
   */
  @IsOptional()
  @Matches(/^trb_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/, { message: 'TRIBUTARY_ADMIN_KEY must look like trb_<12>_<43> (see admin-key generate)' })
  TRIBUTARY_ADMIN_KEY?: string;

  /** How far a webhook's timestamp may be from now, either way. */
  @IsInt()
  @Min(1)
  WEBHOOK_TOLERANCE_SECONDS: number = 300;

  @IsString()
  WEBHOOK_BODY_LIMIT: string = '1mb';
}

export const loadGatewayConfig = (env: Record<string, string | undefined>) => loadConfig(GatewayConfig, env);
