import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { loadConfig } from '@tributary/config';

export class StandaloneConfig {
  /** A PostgreSQL server to use instead of the embedded database. */
  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  /** Where the embedded database, the generated keys and the admin key live. */
  @IsString()
  TRIBUTARY_HOME: string = '.tributary';

  @IsString()
  HOST: string = '127.0.0.1';

  @IsInt() @Min(0) @Max(65535) GATEWAY_PORT: number = 3000;
  @IsInt() @Min(0) @Max(65535) EVENT_STORE_PORT: number = 3001;
  @IsInt() @Min(0) @Max(65535) CHANGE_SINK_PORT: number = 3002;
  @IsInt() @Min(0) @Max(65535) WORKER_PORT: number = 3003;
  /**
   * The composed API (apps/api-root): the four apps behind one URL. Unset: 3004, or a free port when
   * GATEWAY_PORT is 0 (a run on free ports, as the tests start it, takes no fixed one).
   */
  @IsOptional() @IsInt() @Min(0) @Max(65535) API_ROOT_PORT?: number;

  /** Overrides the generated local keys (see `.tributary/keys.json`). */
  @IsOptional() @IsString() TRIBUTARY_SIGNING_KEY?: string;
  @IsOptional() @IsString() TRIBUTARY_ENCRYPTION_KEY?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'warn';

  /** OpenTelemetry (see the apps' setting): one SDK for the process; each span says its app in `tributary.app`. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsString() OTEL_SERVICE_NAME: string = 'tributary';

  @IsNumber() @Min(0) @Max(1) OTEL_TRACES_SAMPLER_ARG: number = 1;

  /**
   * Partitions of the message log's topics (see the apps' MESSAGE_LOG_PARTITIONS). One process is one
   * member of each consumer group: a single partition gives it whole batches — every waiting message
   * of a topic in one transaction — where more would split them by key hash; keys still run
   * concurrently inside a batch.
   */
  @IsInt() @Min(1) @Max(256) MESSAGE_LOG_PARTITIONS: number = 1;

  /** Passed to the apps when set (see their settings): the safety-net polls (in one process a commit wakes the readers at once). */
  @IsOptional() @IsInt() @Min(10) CONSUMER_POLL_MS?: number;
  @IsOptional() @IsInt() @Min(10) PROJECTION_POLL_MS?: number;
  @IsOptional() @IsInt() @Min(10) CHANGE_POLL_MS?: number;
}

export const loadStandaloneConfig = (env: Record<string, string | undefined>) => loadConfig(StandaloneConfig, env);
