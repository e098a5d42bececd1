import type { ParseArgsConfig } from 'node:util';
import { usageError } from '../cli-error.js';
import type { EventStoreClient } from '../event-store-client.js';
import type { GatewayClient } from '../gateway-client.js';

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface CommandContext {
  /** The management API client; configuration is read on first use, so commands that need none never fail on it. */
  gateway(): GatewayClient;
  /** The event store's admin API client (projections). */
  eventStore(): EventStoreClient;
  /** Progress of a long-running command, for a human (stderr); `done` on the last report. */
  progress(line: string, done: boolean): void;
  /** How long to wait between polls of a long-running operation. */
  readonly pollIntervalMs: number;
}

/** One `tributary <group> <name>` command: its options (node:util parseArgs) and what it prints. */
export interface Subcommand {
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Names of required positional arguments, in order (their values land in `values` under these names). */
  readonly positionals?: readonly string[];
  /** Returns the one JSON object printed on stdout. */
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
