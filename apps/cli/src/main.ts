import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
import { deliveriesCommand } from './commands/deliveries.command.js';
import { projectionsCommand } from './commands/projections.command.js';
import { settleCommand } from './commands/settle.command.js';
import { deploymentsCommand } from './commands/deployments.command.js';
import { schedulesCommand } from './commands/schedules.command.js';
import { trackingCommand } from './commands/tracking.command.js';
import { eventsCommand, streamsCommand } from './commands/streams.command.js';
import { listenCommand } from './commands/listen.command.js';
import { EventStoreClient } from './event-store-client.js';
import { GatewayClient } from './gateway-client.js';
import { WorkerClient } from './worker-client.js';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { formatAnswer, OUTPUT_FORMATS, outputFormatOf } from './output.js';

export const groups: readonly CommandGroup[] = [
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
  deliveriesCommand,
  feedsCommand,
  deploymentsCommand,
  schedulesCommand,
  trackingCommand,
  streamsCommand,
  eventsCommand,
];

/** Commands without subcommands: `tributary listen …`. */
export const topLevelCommands: Readonly<Record<string, Subcommand>> = { listen: listenCommand };

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
  /** Stops a long-running command (`listen`): `main` aborts it on Ctrl-C. */
  readonly signal?: AbortSignal;
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
    signal: io.signal ?? new AbortController().signal,
    format: 'json',
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
    if (groupName === '--version' || groupName === '-V') return printed(`${version()}\n`);
    if (groupName === 'completion') return printed(completion(subcommandName, rest));
    const topLevel = topLevelCommands[groupName];
    if (topLevel) {
      const args = subcommandName === undefined ? rest : [subcommandName, ...rest];
      if (subcommandName !== undefined && isHelp(subcommandName)) return printed(usage([{ name: groupName, subcommands: { [groupName]: topLevel } }], false));
      const { values, format } = parseOptions(topLevel, groupName, args);
      if (values.help === true) return printed(usage([{ name: groupName, subcommands: { [groupName]: topLevel } }], false));
      const answer = await topLevel.run(values, { ...context, format });
      return answer instanceof CommandOutput ? { exitCode: 0, stdout: answer.json ? formatAnswer(answer.json, format) : '', stderr: answer.stderr } : printed(formatAnswer(answer, format));
    }
    if (groupName.startsWith('-')) throw usageError('option_invalid', `Unknown option ${groupName}; a command comes first: run \`tributary help\``);
    const group = groups.find((g) => g.name === groupName);
    if (!group) throw usageError('command_unknown', `Unknown command "${groupName}"; run \`tributary help\``);
    if (subcommandName === undefined || isHelp(subcommandName)) return printed(usage([group]));
    const subcommand = group.subcommands[subcommandName];
    if (!subcommand) {
      throw usageError('command_unknown', `Unknown command "${groupName} ${subcommandName}"; run \`tributary ${groupName} help\``);
    }
    const { values, format } = parseOptions(subcommand, `${groupName} ${subcommandName}`, rest);
    if (values.help === true) return printed(usage([{ name: group.name, subcommands: { [subcommandName]: subcommand } }], false));
    const answer = await subcommand.run(values, context);
    if (answer instanceof CommandOutput) return { exitCode: 0, stdout: answer.json ? formatAnswer(answer.json, format, subcommand.columns) : '', stderr: answer.stderr };
    return printed(formatAnswer(answer, format, subcommand.columns));
  } catch (error) {
    const failure = error instanceof CliError ? error : new CliError(EXIT_FAILED, 'internal', (error as Error).message);
    return { exitCode: failure.exitCode, stdout: '', stderr: `${JSON.stringify(failure, null, 2)}\n` };
  }
}

/**
 * The subcommand's options plus the ones every command takes: `-h/--help` and `-o/--output json|table|yaml`
 * (`settle ack` has an `--output` of its own, the handler's output: there the format is `-o` alone).
 */
function parseOptions(subcommand: Subcommand, name: string, args: readonly string[]) {
  const formatKey = 'output' in subcommand.options ? OUTPUT_FORMAT_KEY : 'output';
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...subcommand.options, [formatKey]: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: (subcommand.positionals?.length ?? 0) > 0,
    });
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /option '([^']+)'/.exec((error as Error).message)?.[1] ?? 'given';
      throw usageError('option_invalid', `Unknown option ${option} for "tributary ${name}"; usage: tributary ${subcommand.usage}`);
    }
    if (code.startsWith('ERR_PARSE_ARGS')) {
      throw usageError('option_invalid', `${(error as Error).message}; usage: tributary ${subcommand.usage}`);
    }
    throw error;
  }
  const { [formatKey]: formatValue, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  const names = subcommand.positionals ?? [];
  if (values.help !== true && parsed.positionals.length !== names.length) {
    const code = parsed.positionals.length < names.length ? 'argument_missing' : 'option_invalid';
    throw usageError(code, `Expected ${names.map((n) => `<${n}>`).join(' ') || 'no arguments'}; usage: tributary ${subcommand.usage}`);
  }
  const format = values.help === true ? 'json' : outputFormatOf(formatValue);
  return { values: { ...values, ...Object.fromEntries(names.map((n, i) => [n, parsed.positionals[i]])) }, format };
}

/** The key `-o` lands under for a command that has an `--output` of its own (not a flag anyone types). */
const OUTPUT_FORMAT_KEY = '\u0000output-format';

function completion(shell: string | undefined, rest: readonly string[]): string {
  if (shell === undefined || isHelp(shell)) {
    if (shell === undefined) throw usageError('argument_missing', `Expected a shell: tributary completion ${SHELLS.join('|')}`);
    return usage([], true);
  }
  if (!(SHELLS as readonly string[]).includes(shell)) throw usageError('option_invalid', `Unknown shell "${shell}": tributary completion ${SHELLS.join('|')}`);
  if (rest.length > 0) throw usageError('option_invalid', `Unexpected ${rest.join(' ')}; usage: tributary completion ${SHELLS.join('|')}`);
  return completionScript(shell as Shell, groups, topLevelCommands);
}

/** `tributary 0.1.0 (node v20.19.0)`: the package's version, from the package.json above this file (source or dist/). */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tributary' && pkg.version) return `tributary ${pkg.version} (node ${process.version})`;
    }
    const parent = dirname(dir);
    if (parent === dir) return `tributary unknown (node ${process.version})`;
    dir = parent;
  }
}

const isHelp = (arg: string) => arg === 'help' || arg === '--help' || arg === '-h';

const printed = (stdout: string): CliResult => ({ exitCode: 0, stdout, stderr: '' });

/** What each option and argument of a command means: its `help`, in the order of its arguments then options. */
export function optionLines(c: Subcommand): [string, string][] {
  const names = [...(c.positionals ?? []).map((p) => Object.keys(c.help ?? {}).find((h) => h.startsWith(`<${p}`)) ?? `<${p}>`), ...Object.keys(c.options).map((o) => `--${o}`)];
  return names.map((name) => [name, c.help?.[name] ?? '']);
}

/**
 * The usage of the groups shown (every command's line, summary and a line per option), then the options every
 * command takes; `full` adds the top-level commands and the environment.
 */
function usage(shown: readonly CommandGroup[], full = true): string {
  const commands = [...shown, ...(full ? [{ name: 'listen', subcommands: topLevelCommands }] : [])]
    .flatMap((g) => Object.values(g.subcommands))
    .flatMap((c) => [`  tributary ${c.usage}`, `      ${c.summary}`, ...optionLines(c).map(([name, text]) => `        ${name.padEnd(16)} ${text}`)]);
  const common = [
    'Options of every command:',
    `  -o, --output ${OUTPUT_FORMATS.join('|')}  how the answer is printed: json (default, for scripts), table (columns; one object as key/value rows) or yaml`,
    '                  (`settle ack` has an --output of its own: there it is -o alone); errors are JSON on stderr whatever it is',
    '  -h, --help        this command\'s usage',
  ];
  if (!full) return [`Usage:`, ...commands, '', ...common, ''].join('\n');
  return [
    'tributary: the Tributary admin CLI',
    '',
    'Usage:',
    ...commands,
    '  tributary help | <command> help | <command> <subcommand> --help',
    '      This usage, one command\'s, or one subcommand\'s',
    `  tributary completion <${SHELLS.join('|')}>`,
    '      A shell completion script (commands, subcommands, options): source <(tributary completion bash)',
    '  tributary --version | -V',
    "      The CLI's version and Node's",
    '',
    ...common,
    '',
    'Environment:',
    '  TRIBUTARY_URL              the gateway (default http://localhost:3000)',
    '  TRIBUTARY_WORKER_URL       the integration worker, for `dlq`, `settle`, `actions` and `ingest list --app worker` (default http://localhost:3003)',
    '  TRIBUTARY_EVENT_STORE_URL  the event store, for `projections` and `feeds` (default http://localhost:3001)',
    '  TRIBUTARY_ADMIN_KEY        the platform admin key (default: the contents of ./.tributary/admin-key)',
    "  TRIBUTARY_API_KEY          a tenant's API key, for app, integration, webhook (but --tenant), secret, apikey, ingest, deliveries (but --tenant), feeds, actions data, deployments, schedules, tracking, streams, events and listen",
    '',
    'Prints one JSON object on stdout (`-o table|yaml`: that object as a table or YAML; `feeds products` without --out: the feed itself; `listen`: a JSON line per event forwarded, text lines with -o table). Errors are JSON on stderr; the exit code is 2 for a usage error, 1 for a failed call.',
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
  const stop = new AbortController();
  // Only a long-running command stops on Ctrl-C by itself (closing its connection); any other is killed as usual.
  if (process.argv[2] !== undefined && process.argv[2] in topLevelCommands) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  const result = await run(process.argv.slice(2), process.env, process.cwd(), { progress: stderrProgress(), stdout: process.stdout, signal: stop.signal });
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
