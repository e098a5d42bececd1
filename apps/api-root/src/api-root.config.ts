import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { loadConfig } from '@tributary/config';

const APP_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** `true`/`1`/`yes` → true, `false`/`0`/`no` → false, unset → `fallback`; anything else stays as is and fails validation. */
const flag = (value: unknown, fallback: boolean): unknown => {
  if (value === undefined || typeof value === 'boolean') return value ?? fallback;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  return value;
};

/**
 * The composed API's settings: where the four apps answer. It has no database and no key of its own:
 * every request is answered by the app that owns it, with the caller's own credentials.
 */
export class ApiRootConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3004;

  /** The apps' public ports (their REST routes and `/graphql`). */
  @IsUrl(APP_URL) GATEWAY_URL: string = 'http://127.0.0.1:3000';
  @IsUrl(APP_URL) EVENT_STORE_URL: string = 'http://127.0.0.1:3001';
  @IsUrl(APP_URL) CHANGE_SINK_URL: string = 'http://127.0.0.1:3002';
  @IsUrl(APP_URL) WORKER_URL: string = 'http://127.0.0.1:3003';

  /**
   * Where each app serves its OpenAPI document (`/docs-json`): its INTERNAL_PORT when it has one (k8s,
   * compose). Unset: the app's URL above.
   */
  @IsOptional() @IsUrl(APP_URL) GATEWAY_DOCS_URL?: string;
  @IsOptional() @IsUrl(APP_URL) EVENT_STORE_DOCS_URL?: string;
  @IsOptional() @IsUrl(APP_URL) CHANGE_SINK_DOCS_URL?: string;
  @IsOptional() @IsUrl(APP_URL) WORKER_DOCS_URL?: string;

  /**
   * Whether the composed schema answers introspection (`__schema`, `__type`; `__typename` always). The
   * apps' images turn theirs off (`NODE_ENV=production`), and compose and the Kubernetes manifests turn the
   * root's off alike; on by default (`npm start`). `true`/`false` (also `1`/`0`, `yes`/`no`).
   */
  @Transform(({ obj }: { obj: Record<string, unknown> }) => flag(obj.GRAPHQL_INTROSPECTION, true))
  @IsBoolean()
  GRAPHQL_INTROSPECTION: boolean = true;

  /** How long an app may take to answer a proxied request before the root answers 502 `app_unreachable`. */
  @IsInt()
  @Min(100)
  UPSTREAM_TIMEOUT_MS: number = 30_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsInt()
  @Min(1_000)
  SHUTDOWN_TIMEOUT_MS: number = 25_000;
}

export const loadApiRootConfig = (env: Record<string, string | undefined>): ApiRootConfig => loadConfig(ApiRootConfig, env);
