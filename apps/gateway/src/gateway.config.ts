import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Min } from 'class-validator';
import { loadConfig, MessagingAppConfig } from '@tributary/config';

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

  /** Largest accepted body: bytes, or with a unit (`512kb`, `1mb`). */
  @Matches(/^\d+(b|kb|mb)?$/i, { message: 'WEBHOOK_BODY_LIMIT must be a size like 1048576, 512kb or 1mb' })
  WEBHOOK_BODY_LIMIT: string = '1mb';

  /** How long a `webhook-id` (or a delivery's digest) is remembered: a repeat within it gets the original answer. */
  @IsInt()
  @Min(60)
  WEBHOOK_IDEMPOTENCY_WINDOW_SECONDS: number = 86_400;

  /** How often a `tributary listen` stream's key is checked again (revoked, or its tenant disabled: the stream ends). */
  @IsInt()
  @Min(100)
  LISTEN_AUTH_RECHECK_MS: number = 30_000;

  /** How many `tributary listen` streams a tenant may hold open on one replica (each polls the message log twice a second). */
  @IsInt()
  @Min(1)
  LISTEN_MAX_PER_TENANT: number = 10;

  /** How long the ingest log (deliveries answered, documents pushed) is kept (entries received longer ago are deleted). */
  @IsInt()
  @Min(60)
  INGEST_RETENTION_SECONDS: number = 30 * 24 * 3_600;

  /** Accepted deliveries per second per webhook, unless the webhook sets its own. */
  @IsInt()
  @Min(1)
  WEBHOOK_RATE_LIMIT_PER_SECOND: number = 1_000;

  /** Accepted deliveries per second over all of a tenant's webhooks, unless the tenant sets its own. */
  @IsInt()
  @Min(1)
  TENANT_RATE_LIMIT_PER_SECOND: number = 5_000;

  /** Redis shared by the gateway replicas for rate limits (`redis://host:port/db`); unset: limits per instance, in memory. */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  get bodyLimitBytes(): number {
    const [, digits, unit] = /^(\d+)(b|kb|mb)?$/i.exec(this.WEBHOOK_BODY_LIMIT)!;
    return Number(digits) * ({ b: 1, kb: 1024, mb: 1024 * 1024 }[(unit ?? 'b').toLowerCase() as 'b' | 'kb' | 'mb']);
  }
}

export const loadGatewayConfig = (env: Record<string, string | undefined>) => loadConfig(GatewayConfig, env);
