import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { AppConfig, loadConfig } from '@tributary/config';
import { IDENTIFIER, NAME, parseRouting, TABLE, tableKey, type RoutingRule } from './table-routing.js';

const TABLE_LIST = new RegExp(`^${TABLE}(,${TABLE})*$`);
const COLUMN_LIST = new RegExp(`^${TABLE}\\.${NAME}(,${TABLE}\\.${NAME})*$`);

/** The event store's package projection: what `packageUpdated` pushes. */
export const PACKAGE_STATUS_TABLE = 'event_store.package_status';

/**
 * esink's values are often written with quotes around them (`TABLE_NAMES='users,games'` in a
 * compose file keeps the quotes): one pair of surrounding quotes and the blanks around commas are dropped.
 */
const unquote = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  const match = /^(['"])(.*)\1$/s.exec(trimmed);
  return match ? match[2].trim() : trimmed;
};
const list = ({ value }: { value: unknown }): unknown => {
  const text = unquote({ value });
  return typeof text === 'string' ? text.split(',').map((part) => part.trim()).filter(Boolean).join(',') : text;
};
/** Reads the raw variable: implicit conversion would already have turned any text into `true`. */
const flag = ({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown => {
  const text = unquote({ value: obj[key] });
  if (text === undefined || typeof text === 'boolean') return text ?? false;
  const lower = String(text).toLowerCase();
  if (['true', '1', 'yes'].includes(lower)) return true;
  if (['false', '0', 'no', ''].includes(lower)) return false;
  return text;
};

@ValidatorConstraint({ name: 'routing' })
class RoutingConstraint implements ValidatorConstraintInterface {
  private message = '';

  validate(value: unknown): boolean {
    try {
      parseRouting(value as string | undefined);
      return true;
    } catch (error) {
      this.message = (error as Error).message;
      return false;
    }
  }

  defaultMessage(): string {
    return this.message;
  }
}

/**
 * The change-sink's settings. esink's variables are accepted under their own names and meaning
 * (TABLE_NAMES, AUTH_TABLE, AUTH_COLUMN, FILTERS, TABLE_AUTH_COLUMN_ROUTING, SECURITY_TOKEN,
 * DEFAULT_SOURCE, ALLOW_REPUBLISHING, POSTGRES_DATABASE_URL, MYSQL_*); what they name in the
 * database (tables, columns) is checked against it at start.
 */
export class ChangeSinkConfig extends AppConfig {
  override PORT = 3002;

  /**
   * Platform tables (`schema.table`) captured besides the operator's: the event store's projections.
   * Set empty (`CAPTURE_TABLES=`) for a change-sink of the operator's tables only (esink's deployment).
   */
  @Transform(list)
  @Matches(/^([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*(,[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)*)?$/, {
    message: "CAPTURE_TABLES must be a comma-separated list of schema.table names (or empty: the operator's TABLE_NAMES only)",
  })
  CAPTURE_TABLES: string = PACKAGE_STATUS_TABLE;

  @IsInt()
  @Min(10)
  CHANGE_POLL_MS: number = 250;

  /** esink: the operator's tables to capture (in the MySQL database when MYSQL_DATABASE is set). */
  @IsOptional()
  @Transform(list)
  @Matches(TABLE_LIST, { message: 'TABLE_NAMES must be a comma-separated list of table names' })
  TABLE_NAMES?: string;

  /** esink: the table whose AUTH_COLUMN holds the clients' tokens. */
  @IsOptional()
  @Transform(unquote)
  @Matches(new RegExp(`^${TABLE}$`), { message: 'AUTH_TABLE must be a table name' })
  AUTH_TABLE?: string;

  @IsOptional()
  @Transform(unquote)
  @Matches(IDENTIFIER, { message: 'AUTH_COLUMN must be a column name' })
  AUTH_COLUMN?: string;

  /** The user id compared by the routing (esink: `user.id`). */
  @Transform(unquote)
  @Matches(IDENTIFIER, { message: 'AUTH_ID_COLUMN must be a column name' })
  AUTH_ID_COLUMN: string = 'id';

  /**
   * The column holding the tenant in the operator's tables and in AUTH_TABLE. Unset: the operator's
   * database is one tenant of its own (its users see its tables, never the platform tenants' data).
   */
  @IsOptional()
  @Transform(unquote)
  @Matches(IDENTIFIER, { message: 'TENANT_COLUMN must be a column name' })
  TENANT_COLUMN?: string;

  /** esink: `table.column,…` removed from every change before it is sent. */
  @IsOptional()
  @Transform(list)
  @Matches(COLUMN_LIST, { message: 'FILTERS must be a comma-separated list of table.column' })
  FILTERS?: string;

  @IsOptional()
  @Transform(unquote)
  @Validate(RoutingConstraint)
  TABLE_AUTH_COLUMN_ROUTING?: string;

  /** esink: the token POST /publish requires; unset disables the route (403). */
  @IsOptional()
  @Transform(unquote)
  @IsString()
  @IsNotEmpty()
  SECURITY_TOKEN?: string;

  @Transform(unquote)
  @IsString()
  @IsNotEmpty()
  DEFAULT_SOURCE: string = 'API';

  @Transform(flag)
  @IsBoolean()
  ALLOW_REPUBLISHING: boolean = false;

  /** esink's name for the database to capture: the change-sink's own database when DATABASE_URL is unset. */
  @IsOptional()
  @Transform(unquote)
  @IsString()
  POSTGRES_DATABASE_URL?: string;

  /** Set: the operator's tables (TABLE_NAMES, AUTH_TABLE) are in this MySQL/MariaDB database. */
  @IsOptional()
  @Transform(unquote)
  @Matches(IDENTIFIER, { message: 'MYSQL_DATABASE must be a database name' })
  MYSQL_DATABASE?: string;

  @Transform(unquote)
  @IsString()
  MYSQL_HOST: string = '127.0.0.1';

  @IsInt()
  @Min(1)
  @Max(65535)
  MYSQL_PORT: number = 3306;

  @Transform(unquote)
  @IsString()
  MYSQL_USERNAME: string = 'root';

  @IsOptional()
  @Transform(unquote)
  @IsString()
  MYSQL_PASSWORD?: string;

  /** The MySQL outbox the capture triggers write to. Created if missing, never dropped. */
  @Transform(unquote)
  @Matches(IDENTIFIER, { message: 'MYSQL_TABLE_TARGET must be a table name' })
  MYSQL_TABLE_TARGET: string = 'tributary_outbox';

  /** The slowest MySQL outbox poll (esink: 4× a second); under load it polls again at once. */
  @IsInt()
  @Min(10)
  @Max(250)
  MYSQL_POLL_MS: number = 250;

  /** Delivered outbox rows older than this are deleted. */
  @IsInt()
  @Min(1)
  MYSQL_RETENTION_SECONDS: number = 3_600;

  /** How far back a client can resume (changes older than this are pruned). */
  @IsInt()
  @Min(60)
  CHANGE_RETENTION_SECONDS: number = 7 * 24 * 3_600;

  /** HS256 secret: tokens are JWTs (user id in `sub`) instead of AUTH_TABLE lookups. */
  @IsOptional()
  @Transform(unquote)
  @IsString()
  @IsNotEmpty()
  JWT_SECRET?: string;

  /** A JWKS endpoint verifying JWT tokens (RS256/ES256…). */
  @IsOptional()
  @Transform(unquote)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  JWKS_URL?: string;

  @Transform(unquote)
  @IsString()
  JWT_USER_CLAIM: string = 'sub';

  /** The JWT claim holding the tenant (with TENANT_COLUMN). */
  @Transform(unquote)
  @IsString()
  JWT_TENANT_CLAIM: string = 'tenant_id';

  /** How often live connections' credentials are checked again (revoked → disconnected). */
  @IsInt()
  @Min(100)
  AUTH_RECHECK_MS: number = 2_000;

  /** Bytes a socket.io client may have waiting unsent before it is dropped as too slow. */
  @IsInt()
  @Min(1_024)
  CLIENT_BUFFER_BYTES: number = 8 * 1024 * 1024;

  /** Changes a graphql-ws subscription may have waiting before it is dropped as too slow. */
  @IsInt()
  @Min(1)
  CLIENT_BUFFER_CHANGES: number = 10_000;

  /** The platform's tables captured: none when CAPTURE_TABLES is empty. */
  get captureTables(): string[] {
    return this.CAPTURE_TABLES ? this.CAPTURE_TABLES.split(',') : [];
  }

  /** Whether the platform's package projection is captured (the `packageUpdated` subscription needs it). */
  get capturesPackages(): boolean {
    return this.captureTables.includes(PACKAGE_STATUS_TABLE);
  }

  /** The operator's tables, as named in events (`users`, `schema.table`). */
  get tableNames(): string[] {
    return this.TABLE_NAMES ? this.TABLE_NAMES.split(',').map(tableKey) : [];
  }

  get routing(): Map<string, RoutingRule> {
    return parseRouting(this.TABLE_AUTH_COLUMN_ROUTING);
  }

  get filters(): Map<string, Set<string>> {
    const filters = new Map<string, Set<string>>();
    for (const entry of this.FILTERS ? this.FILTERS.split(',') : []) {
      const dot = entry.lastIndexOf('.');
      const table = tableKey(entry.slice(0, dot));
      if (!filters.has(table)) filters.set(table, new Set());
      filters.get(table)!.add(entry.slice(dot + 1));
    }
    return filters;
  }

  get mysql(): { database: string; host: string; port: number; user: string; password?: string } | undefined {
    if (!this.MYSQL_DATABASE) return undefined;
    return { database: this.MYSQL_DATABASE, host: this.MYSQL_HOST, port: this.MYSQL_PORT, user: this.MYSQL_USERNAME, password: this.MYSQL_PASSWORD };
  }

  get jwt(): { secret?: string; jwksUrl?: string } | undefined {
    return this.JWT_SECRET || this.JWKS_URL ? { secret: this.JWT_SECRET, jwksUrl: this.JWKS_URL } : undefined;
  }
}

/**
 * Rules that span variables: something must be captured, the routing and FILTERS may name only
 * captured tables, a token table needs its column, DATABASE_URL falls back to esink's POSTGRES_DATABASE_URL.
 */
export function loadChangeSinkConfig(env: Record<string, string | undefined>): ChangeSinkConfig {
  const databaseUrl = env.DATABASE_URL || env.POSTGRES_DATABASE_URL;
  // Set but empty is a choice (no platform table), not "unset": loadConfig would read it as the default.
  const captureTables = env.CAPTURE_TABLES === undefined ? {} : { CAPTURE_TABLES: env.CAPTURE_TABLES };
  const config = loadConfig(ChangeSinkConfig, { ...env, DATABASE_URL: databaseUrl }, captureTables);
  const problems: string[] = [];
  if (config.captureTables.length === 0 && config.tableNames.length === 0) {
    problems.push(
      "TABLE_NAMES: nothing to capture — CAPTURE_TABLES is empty and TABLE_NAMES names no table; name the operator's tables in TABLE_NAMES, or leave CAPTURE_TABLES unset for the platform's",
    );
  }
  if (env.DATABASE_URL && config.POSTGRES_DATABASE_URL && config.POSTGRES_DATABASE_URL !== env.DATABASE_URL) {
    problems.push('POSTGRES_DATABASE_URL: the change-sink captures the database it runs on; set it equal to DATABASE_URL or leave one of them unset');
  }
  const captured = new Set([...config.tableNames, ...config.captureTables.map(tableKey)]);
  for (const table of config.routing.keys()) {
    if (!captured.has(table)) problems.push(`TABLE_AUTH_COLUMN_ROUTING: "${table}" is not in TABLE_NAMES`);
  }
  for (const table of config.filters.keys()) {
    if (!captured.has(table)) problems.push(`FILTERS: "${table}" is not in TABLE_NAMES`);
  }
  if (config.AUTH_TABLE && !config.AUTH_COLUMN) problems.push('AUTH_COLUMN: required with AUTH_TABLE');
  if (config.AUTH_COLUMN && !config.AUTH_TABLE) problems.push('AUTH_TABLE: required with AUTH_COLUMN');
  if (config.JWT_SECRET && config.JWKS_URL) problems.push('JWT_SECRET: set either JWT_SECRET or JWKS_URL, not both');
  if (config.mysql && config.tableNames.some((t) => t.includes('.'))) {
    problems.push('TABLE_NAMES: with MYSQL_DATABASE, name the tables without a schema');
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return config;
}
