import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import type { TransportOptions } from '@tributary/messaging';
import { Transform } from 'class-transformer';
import { DEFAULT_JSON_MAX_DEPTH } from '@tributary/domain';
import { DEFAULT_GRAPHQL_LIMITS, type GraphqlLimits } from './graphql-limits.js';

/** `true`/`1`/`yes` → true, `false`/`0`/`no` → false, unset → `fallback`; anything else stays as is and fails validation. */
const envFlag = (value: unknown, fallback = false): unknown => {
  if (value === undefined || typeof value === 'boolean') return value ?? fallback;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  return value;
};

/** What every app's config has. Apps extend it and override `PORT`'s default. */
export class AppConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  /**
   * Set: `/metrics`, the OpenAPI document and UI (`/docs`, `/docs-json`, `/docs-yaml`) and the GraphQL
   * SDL (`/docs-graphql`) are served on this port only, and `PORT` answers them 404 like any route it does not have — the port a public
   * ingress never routes. Unset (the default, and `npm start`): everything is served on `PORT`.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  @ValidateBy({
    name: 'differsFromPort',
    validator: {
      validate: (value: unknown, args) => value === 0 || value !== (args?.object as AppConfig).PORT,
      defaultMessage: () => 'INTERNAL_PORT must differ from PORT',
    },
  })
  INTERNAL_PORT?: number;

  @IsString()
  @IsNotEmpty()
  DATABASE_URL: string;

  /** Set to a real server's URL to be woken by LISTEN/NOTIFY; unset for the embedded database. */
  @IsOptional()
  @IsString()
  TRIBUTARY_NOTIFY_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /**
   * Apply pending migrations at start (the default). Off where a migrations step runs first (the
   * k8s Job, the compose step): the app then refuses to start while migrations are pending.
   */
  @Transform(({ obj }: { obj: Record<string, unknown> }) => envFlag(obj.MIGRATE_ON_START, true))
  @IsBoolean()
  MIGRATE_ON_START: boolean = true;

  /**
   * On SIGTERM the app drains (readiness off, in-flight work finished, offsets committed) and exits;
   * past this it exits anyway (code 1). Keep it below the orchestrator's grace period.
   */
  @IsInt()
  @Min(1_000)
  SHUTDOWN_TIMEOUT_MS: number = 25_000;

  /** How deeply a JSON body (webhook, publish, append, management call) may nest; deeper answers 400 `payload_too_deep`. */
  @IsInt()
  @Min(2)
  @Max(1_000)
  JSON_MAX_DEPTH: number = DEFAULT_JSON_MAX_DEPTH;

  /** GraphQL: fields nested in fields, the root field counting 1 (deeper documents are refused `query_too_deep`). */
  @IsInt()
  @Min(1)
  GRAPHQL_MAX_DEPTH: number = DEFAULT_GRAPHQL_LIMITS.maxDepth;

  /** GraphQL: aliased fields per operation, fragments counted as spread (`too_many_aliases`). */
  @IsInt()
  @Min(0)
  GRAPHQL_MAX_ALIASES: number = DEFAULT_GRAPHQL_LIMITS.maxAliases;

  /** GraphQL: the cost budget of an operation, counted as graphqlLimitsRule says (`query_too_costly`). */
  @IsInt()
  @Min(1)
  GRAPHQL_MAX_COST: number = DEFAULT_GRAPHQL_LIMITS.maxCost;

  /** GraphQL: lexical tokens of a document; parsing stops past them (`query_too_large`). */
  @IsInt()
  @Min(100)
  GRAPHQL_MAX_TOKENS: number = DEFAULT_GRAPHQL_LIMITS.maxTokens;

  /** graphql-ws: bytes of a subscribe message's query plus its variables as JSON (`query_too_large`). */
  @IsInt()
  @Min(1_024)
  GRAPHQL_WS_MAX_PAYLOAD_BYTES: number = DEFAULT_GRAPHQL_LIMITS.maxWsPayloadBytes;

  /**
   * OpenTelemetry: the collector's OTLP/HTTP base URL (`http://otel-collector:4318`). Set, the app
   * records spans and exports them there; unset (the default), tracing is off and costs nothing.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** The traces' `service.name`; unset: `tributary-<app>` (`tributary-gateway` …). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  OTEL_SERVICE_NAME?: string;

  /** The share of new traces recorded, 0…1 (a trace continued from a caller follows the caller's decision). */
  @IsNumber()
  @Min(0)
  @Max(1)
  OTEL_TRACES_SAMPLER_ARG: number = 1;

  /** What `startTracing` (@tributary/observability) takes: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing(app: string): { serviceName: string; endpoint?: string; sampleRatio: number } {
    return { serviceName: this.OTEL_SERVICE_NAME ?? `tributary-${app}`, endpoint: this.OTEL_EXPORTER_OTLP_ENDPOINT, sampleRatio: this.OTEL_TRACES_SAMPLER_ARG };
  }

  get graphqlLimits(): GraphqlLimits {
    return {
      maxDepth: this.GRAPHQL_MAX_DEPTH,
      maxAliases: this.GRAPHQL_MAX_ALIASES,
      maxCost: this.GRAPHQL_MAX_COST,
      maxTokens: this.GRAPHQL_MAX_TOKENS,
      maxWsPayloadBytes: this.GRAPHQL_WS_MAX_PAYLOAD_BYTES,
    };
  }
}

/** The config of an app that publishes or consumes signed messages. */
export class MessagingAppConfig extends AppConfig {
  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY_ID: string = 'k1';

  /** HMAC key for message signatures; the same in every app. */
  @IsString()
  @IsNotEmpty()
  TRIBUTARY_SIGNING_KEY: string;

  /** `postgres` (the database is the log; the default) or `kafka`. */
  @IsIn(['postgres', 'kafka'])
  TRIBUTARY_TRANSPORT: 'postgres' | 'kafka' = 'postgres';

  /** Comma-separated `host:port` list; required with TRIBUTARY_TRANSPORT=kafka. */
  @ValidateIf((c: MessagingAppConfig) => c.TRIBUTARY_TRANSPORT === 'kafka')
  @Matches(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: string;

  @IsString()
  @IsNotEmpty()
  KAFKA_CLIENT_ID: string = 'tributary';

  @Transform(({ obj }: { obj: Record<string, unknown> }) => envFlag(obj.KAFKA_SSL))
  @IsBoolean()
  KAFKA_SSL: boolean = false;

  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @ValidateIf((c: MessagingAppConfig) => c.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @IsNotEmpty()
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((c: MessagingAppConfig) => c.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @IsNotEmpty()
  KAFKA_SASL_PASSWORD?: string;

  /** Partitions of the topics created from the registry. */
  @IsInt()
  @Min(1)
  KAFKA_PARTITIONS: number = 8;

  @IsInt()
  @Min(1)
  KAFKA_REPLICATION_FACTOR: number = 1;

  /** How long the group waits for a silent member before giving its partitions to others. */
  @IsInt()
  @Min(1_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 30_000;

  /**
   * Partitions of the postgres message log's topics (postgres transport), fixed when a topic is first
   * provisioned: the most members of one consumer group that can share a topic. A member reads and
   * commits each partition on its own, so more partitions than members only split its batches (a
   * batch is one partition's messages): the standalone process, one member per group, uses 1.
   */
  @IsInt()
  @Min(1)
  @Max(256)
  MESSAGE_LOG_PARTITIONS: number = 8;

  /**
   * How long the message log (postgres transport; Kafka mode's outbox) keeps a message once every
   * consumer group reading it has committed past it.
   */
  @IsInt()
  @Min(60)
  MESSAGE_RETENTION_SECONDS: number = 7 * 24 * 3_600;

  get signing(): { active: { id: string; secret: string } } {
    return { active: { id: this.TRIBUTARY_SIGNING_KEY_ID, secret: this.TRIBUTARY_SIGNING_KEY } };
  }

  get transport(): TransportOptions {
    if (this.TRIBUTARY_TRANSPORT === 'postgres') return { kind: 'postgres', listenUrl: this.TRIBUTARY_NOTIFY_URL };
    const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = this;
    return {
      kind: 'kafka',
      connection: {
        brokers: this.KAFKA_BROKERS!.split(','),
        clientId: this.KAFKA_CLIENT_ID,
        ssl: this.KAFKA_SSL,
        ...(mechanism ? { sasl: { mechanism, username: username!, password: password! } } : {}),
      },
      partitions: this.KAFKA_PARTITIONS,
      replicationFactor: this.KAFKA_REPLICATION_FACTOR,
      sessionTimeoutMs: this.KAFKA_SESSION_TIMEOUT_MS,
      listenUrl: this.TRIBUTARY_NOTIFY_URL,
    };
  }
}

/** The config of an app that consumes messages (the worker, the event store). */
export class ConsumerAppConfig extends MessagingAppConfig {
  /** postgres transport: the safety-net poll of the message log (commits in-process and NOTIFY wake it sooner). */
  @IsInt()
  @Min(10)
  CONSUMER_POLL_MS: number = 250;
}
