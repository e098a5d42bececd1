import { realpathSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CliError, EXIT_FAILED, usageError } from './cli-error.js';
import { loadCliConfig, type CliConfig } from './cli.config.js';
import { CommandOutput, type CommandContext, type CommandGroup, type Subcommand } from './commands/command.js';
import { adminKeyCommand } from './commands/admin-key.command.js';
import { apikeyCommand } from './commands/apikey.command.js';
import { appCommand } from './commands/app.command.js';
import { integrationCommand } from './commands/integration.command.js';
import { secretCommand } from './commands/secret.command.js';
import { tenantCommand } from './commands/tenant.command.js';
import { webhookCommand } from './commands/webhook.command.js';
import { dlqCommand } from './commands/dlq.command.js';
import { feedsCommand } from './commands/feeds.command.js';
import { actionsCommand } from './commands/actions.command.js';
import { ingestCommand } from './commands/ingest.command.js';
import { projectionsCommand } from './commands/projections.command.js';
import { settleCommand } from './commands/settle.command.js';
import { EventStoreClient } from './event-store-client.js';
import { GatewayClient } from './gateway-client.js';
import { WorkerClient } from './worker-client.js';

const groups: readonly CommandGroup[] = [
  tenantCommand,
  appCommand,
  integrationCommand,
  webhookCommand,
  secretCommand,
  apikeyCommand,
  adminKeyCommand,
  dlqCommand,
  settleCommand,
  actionsCommand,
  projectionsCommand,
  ingestCommand,
  feedsCommand,
];

export interface CliIo {
  /** Receives progress reports of long-running commands (default: dropped). */
  readonly progress?: (line: string, done: boolean) => void;
  readonly pollIntervalMs?: number;
  /** Standard input, read whole (default: the process's). */
  readonly stdin?: () => Promise<string>;
  /**
   * Where a streaming command (`feeds products`) writes its document: the process's stdout from `main`. Without
   * one, what it writes is collected and returned at the start of `stdout` (tests, small documents).
   */
  readonly stdout?: Writable;
}

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one command. Pure of process state so tests can drive it: stdout gets exactly one JSON
 * object (or the usage text for `help`), stderr gets `{ error: { code, message }, ... }`.
 */
export async function run(argv: readonly string[], env: Record<string, string | undefined>, cwd = process.cwd(), io: CliIo = {}): Promise<CliResult> {
  let config: CliConfig | undefined;
  const collected: Buffer[] = [];
  const output =
    io.stdout ??
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        collected.push(Buffer.from(chunk));
        done();
      },
    });
  const context: CommandContext = {
    gateway: () => new GatewayClient((config ??= loadCliConfig(env, cwd))),
    worker: () => new WorkerClient((config ??= loadCliConfig(env, cwd))),
    eventStore: () => new EventStoreClient((config ??= loadCliConfig(env, cwd))),
    progress: io.progress ?? (() => undefined),
    pollIntervalMs: io.pollIntervalMs ?? 500,
    readStdin: io.stdin ?? readProcessStdin,
    output,
  };
  const executed = await execute(argv, context);
  const result = collected.length > 0 ? { ...executed, stdout: Buffer.concat(collected).toString('utf8') + executed.stdout } : executed;
  // The client never puts a key in a message; this makes sure nothing else does either. (A key too
  // short to be real is left alone: replacing it would mangle the output and protect nothing.)
  return [config?.adminKey, config?.apiKey].reduce((r, key) => (key && key.length >= 16 ? redact(r, key) : r), result);
}

async function execute(argv: readonly string[], context: CommandContext): Promise<CliResult> {
  try {
    const [groupName, subcommandName, ...rest] = argv;
    if (groupName === undefined) throw usageError('command_missing', 'No command given; run `tributary help`');
    if (isHelp(groupName)) return printed(usage(groups));
    const group = groups.find((g) => g.name === groupName);
    if (!group) throw usageError('command_unknown', `Unknown command "${groupName}"; run \`tributary help\``);
    if (subcommandName === undefined || isHelp(subcommandName)) return printed(usage([group]));
    const subcommand = group.subcommands[subcommandName];
    if (!subcommand) {
      throw usageError('command_unknown', `Unknown command "${groupName} ${subcommandName}"; run \`tributary ${groupName} help\``);
    }
    const values = parseOptions(subcommand, rest);
    if (values.help === true) return printed(usage([group]));
    const answer = await subcommand.run(values, context);
    if (answer instanceof CommandOutput) return { exitCode: 0, stdout: answer.json ? `${JSON.stringify(answer.json, null, 2)}\n` : '', stderr: answer.stderr };
    return printed(`${JSON.stringify(answer, null, 2)}\n`);
  } catch (error) {
    const failure = error instanceof CliError ? error : new CliError(EXIT_FAILED, 'internal', (error as Error).message);
    return { exitCode: failure.exitCode, stdout: '', stderr: `${JSON.stringify(failure, null, 2)}\n` };
  }
}

function parseOptions(subcommand: Subcommand, args: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...subcommand.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: (subcommand.positionals?.length ?? 0) > 0,
    });
  } catch (error) {
    if (String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      throw usageError('option_invalid', `${(error as Error).message}; usage: tributary ${subcommand.usage}`);
    }
    throw error;
  }
  const names = subcommand.positionals ?? [];
  if (parsed.values.help !== true && parsed.positionals.length !== names.length) {
    const code = parsed.positionals.length < names.length ? 'argument_missing' : 'option_invalid';
    throw usageError(code, `Expected ${names.map((n) => `<${n}>`).join(' ') || 'no arguments'}; usage: tributary ${subcommand.usage}`);
  }
  return { ...parsed.values, ...Object.fromEntries(names.map((name, i) => [name, parsed.positionals[i]])) };
}

const isHelp = (arg: string) => arg === 'help' || arg === '--help' || arg === '-h';

const printed = (stdout: string): CliResult => ({ exitCode: 0, stdout, stderr: '' });

function usage(shown: readonly CommandGroup[]): string {
  const commands = shown
    .flatMap((g) => Object.values(g.subcommands))
    .flatMap((c) => [`  tributary ${c.usage}`, `      ${c.summary}`, ...Object.entries(c.help ?? {}).map(([name, text]) => `        ${name.padEnd(16)} ${text}`)]);
  return [
    'tributary: the Tributary admin CLI',
    '',
    'Usage:',
    ...commands,
    '  tributary help',
    '',
    'Environment:',
    '  TRIBUTARY_URL              the gateway (default http://localhost:3000)',
    '  TRIBUTARY_WORKER_URL       the integration worker, for `dlq`, `settle`, `actions` and `ingest list --app worker` (default http://localhost:3003)',
    '  TRIBUTARY_EVENT_STORE_URL  the event store, for `projections` and `feeds` (default http://localhost:3001)',
    '  TRIBUTARY_ADMIN_KEY        the platform admin key (default: the contents of ./.tributary/admin-key)',
    "  TRIBUTARY_API_KEY          a tenant's API key, for app, integration, webhook (but --tenant), secret, apikey, ingest, feeds and actions data commands",
    '',
    'Prints one JSON object on stdout (`feeds products` without --out: the feed itself). Errors are JSON on stderr; the exit code is 2 for a usage error, 1 for a failed call.',
    '',
  ].join('\n');
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function redact(result: CliResult, secret: string): CliResult {
  return { ...result, stdout: result.stdout.replaceAll(secret, '[redacted]'), stderr: result.stderr.replaceAll(secret, '[redacted]') };
}

/** The process entry: `bin/tributary.js` calls it, and so does `node dist/apps/cli/src/main.js`. */
export async function main(): Promise<void> {
  const result = await run(process.argv.slice(2), process.env, process.cwd(), { progress: stderrProgress(), stdout: process.stdout });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

/** A progress bar redrawn in place in a terminal; elsewhere (logs, CI) a line at every tenth. */
function stderrProgress(): (line: string, done: boolean) => void {
  let lastTenth = -1;
  return (line, done) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}${done ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(Number(/(\d+)%/.exec(line)?.[1] ?? 0) / 10);
    if (!done && tenth === lastTenth) return;
    lastTenth = tenth;
    process.stderr.write(`${line}\n`);
  };
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
