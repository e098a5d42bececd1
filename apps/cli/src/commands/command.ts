import type { Writable } from 'node:stream';
import type { ParseArgsConfig } from 'node:util';
import { usageError } from '../cli-error.js';
import type { EventStoreClient } from '../event-store-client.js';
import type { GatewayClient } from '../gateway-client.js';
import type { OutputFormat } from '../output.js';
import type { WorkerClient } from '../worker-client.js';

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface CommandContext {
  /** The management API client; configuration is read on first use, so commands that need none never fail on it. */
  gateway(): GatewayClient;
  /** The integration worker's admin API client (dead letters, deployments, actions). */
  worker(): WorkerClient;
  /** The event store's admin API client (projections). */
  eventStore(): EventStoreClient;
  /** Progress of a long-running command, for a human (stderr); `done` on the last report. */
  progress(line: string, done: boolean): void;
  /** How long to wait between polls of a long-running operation. */
  readonly pollIntervalMs: number;
  /** Standard input, read whole (a command's `-` argument). */
  readStdin(): Promise<string>;
  /** Standard output as a stream, for a command that writes a document of any size there (then it returns CommandOutput). */
  readonly output: Writable;
  /** Aborted when a long-running command (`listen`) is to stop: Ctrl-C, or a test done with it. */
  readonly signal: AbortSignal;
  /** The `-o` format asked for, for a command that prints as it goes (`listen`). */
  readonly format: OutputFormat;
}

/**
 * What a command returns when it wrote its own output (a document streamed to `context.output`) or has more to
 * say on stderr: `json`, when given, is printed on stdout as any command's object; `stderr` follows on stderr.
 */
export class CommandOutput {
  constructor(
    readonly stderr: string,
    readonly json?: object,
  ) {}
}

/** One `tributary <group> <name>` command: its options (node:util parseArgs) and what it prints. */
export interface Subcommand {
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Names of required positional arguments, in order (their values land in `values` under these names). */
  readonly positionals?: readonly string[];
  /** What each option and argument means, printed under the command in its usage (`--name` or `<name>` → text); every option has one. */
  readonly help?: Readonly<Record<string, string>>;
  /** The columns of `-o table` for a list this command prints (those the rows have; default: every key). */
  readonly columns?: readonly string[];
  /** Returns the one JSON object printed on stdout (or a CommandOutput for a command that wrote its own). */
  run(values: OptionValues, context: CommandContext): Promise<object>;
}

export interface CommandGroup {
  readonly name: string;
  readonly subcommands: Readonly<Record<string, Subcommand>>;
}

export function requiredOption(values: OptionValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw usageError('option_missing', `--${name} is required`);
  }
  return value;
}

export function optionalOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** `--enabled true|false`. */
export function booleanOption(values: OptionValues, name: string): boolean | undefined {
  const value = optionalOption(values, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw usageError('option_invalid', `--${name} must be true or false`);
  return value === 'true';
}

/** A positive whole number option. */
export function integerOption(values: OptionValues, name: string, min = 1): number | undefined {
  const value = optionalOption(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw usageError('option_invalid', `--${name} must be a whole number of at least ${min}`);
  return Number(value);
}

/** `?limit=&after=` from the list options. */
export function pageQuery(values: OptionValues, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  const limit = integerOption(values, 'limit');
  if (limit !== undefined) params.set('limit', String(limit));
  const after = optionalOption(values, 'after');
  if (after) params.set('after', after);
  for (const [name, value] of Object.entries(extra)) if (value) params.set(name, value);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Only the options given: a PATCH changes what the command line names, nothing else. */
export const defined = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));

export const PAGE_OPTIONS = { limit: { type: 'string' }, after: { type: 'string' } } as const;

export const id = (value: string) => encodeURIComponent(value);

export const PAGE_HELP = { '--limit': 'how many per page (the API caps it)', '--after': "the previous page's nextCursor: the next page" } as const;

/** An option holding a JSON object (`--config '{"a":1}'`); undefined when not given. */
export function jsonObjectOption(values: OptionValues, name: string): Record<string, unknown> | undefined {
  const value = optionalOption(values, name);
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usageError('option_invalid', `--${name} must be a JSON object`);
}
