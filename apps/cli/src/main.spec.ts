import { progressLine } from './commands/projections.command.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { flagsOf } from './completion.js';
import { groups, optionLines, run } from './main.js';

// Command-line handling only: every case here fails or answers before anything is sent.
const env = { TRIBUTARY_URL: 'http://127.0.0.1:9', TRIBUTARY_ADMIN_KEY: 'trb_aaaaaaaaaaaa_' + 'k'.repeat(43) };
const errorOf = (stderr: string) => JSON.parse(stderr).error;

describe('tributary command line', () => {
  it.each([['help'], ['--help'], ['-h']])('prints the usage for %s', async (arg) => {
    const result = await run([arg], env);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain('tributary tenant create --name <name>');
    expect(result.stdout).toContain('tributary webhook send --url <url>');
  });

  it('generates admin keys in the platform format, a new one each time', async () => {
    const keys = await Promise.all([run(['admin-key', 'generate'], {}), run(['admin-key', 'generate'], {})]);
    const [a, b] = keys.map((r) => JSON.parse(r.stdout).key);
    expect(keys.map((r) => r.exitCode)).toEqual([0, 0]);
    expect(a).toMatch(/^trb_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(b).not.toBe(a);
  });

  it('prints one group\'s usage for `webhook help`', async () => {
    const result = await run(['webhook', 'help'], env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('webhook create');
    expect(result.stdout).not.toContain('tenant create');
  });

  it('prints `feeds products` with a line for each of its options', async () => {
    const result = await run(['feeds', 'help'], env);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('tributary feeds products [--format csv|json] [--out <file>] [--if-none-match <etag>]');
    for (const option of ['--format', '--out', '--if-none-match', '--in-stock', '--currency']) expect(result.stdout).toMatch(new RegExp(`\\n {8}${option} +\\S`));
  });

  it.each([
    ['no command', [], 'command_missing'],
    ['an unknown command', ['tenants'], 'command_unknown'],
    ['an unknown subcommand', ['tenant', 'delete'], 'command_unknown'],
    ['a missing --name', ['tenant', 'create'], 'option_missing'],
    ['--name without a value', ['tenant', 'create', '--name'], 'option_invalid'],
    ['an unknown option', ['tenant', 'create', '--name', 'a', '--colour', 'red'], 'option_invalid'],
    ['a stray argument', ['tenant', 'create', 'acme'], 'option_invalid'],
    ['a missing --topic', ['webhook', 'create', '--tenant', 't'], 'option_missing'],
    ['a --enabled that is not a boolean', ['webhook', 'update', '--webhook', 'w', '--enabled', 'yes'], 'option_invalid'],
    ['a --config that is not an object', ['app', 'create', '--name', 'a', '--vendor', 'v', '--config', '[1]'], 'option_invalid'],
    ['an unknown --verifier', ['webhook', 'create', '--app', 'a', '--topic', 't', '--verifier', 'md5'], 'option_invalid'],
    ['an unknown --role', ['apikey', 'create', '--name', 'k', '--role', 'admin'], 'option_invalid'],
    ['a negative --overlap', ['secret', 'rotate', '--webhook', 'w', '--overlap', '-1'], 'option_invalid'],
    ['a secret without whsec_', ['webhook', 'send', '--url', 'http://x/webhooks/1', '--secret', 'abc', '--data', '{}'], 'option_invalid'],
    ['data that is not JSON', ['webhook', 'send', '--url', 'http://x/webhooks/1', '--secret', 'whsec_AAAA', '--data', '{'], 'option_invalid'],
    ['a url that is not http', ['webhook', 'send', '--url', 'ftp://x', '--secret', 'whsec_AAAA', '--data', '{}'], 'option_invalid'],
    ['a rebuild without a projection name', ['projections', 'rebuild'], 'argument_missing'],
    ['two projection names', ['projections', 'status', 'a', 'b'], 'option_invalid'],
    ['an argument to projections list', ['projections', 'list', 'all'], 'option_invalid'],
    ['an unknown rebuild option', ['projections', 'rebuild', 'builds', '--force'], 'option_invalid'],
  ])('exits 2 on %s', async (_, argv, code) => {
    const result = await run(argv, env);
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(errorOf(result.stderr)).toEqual({ code, message: expect.any(String) });
  });

  it('exits 2 on a TRIBUTARY_URL that is not a URL', async () => {
    const result = await run(['tenant', 'create', '--name', 'a'], { ...env, TRIBUTARY_URL: 'localhost:3000' });
    expect(result.exitCode).toBe(2);
    expect(errorOf(result.stderr).code).toBe('config_invalid');
  });

  it('exits 2 on a TRIBUTARY_EVENT_STORE_URL that is not a URL', async () => {
    const result = await run(['projections', 'list'], { ...env, TRIBUTARY_EVENT_STORE_URL: 'event-store:3001' });
    expect(result.exitCode).toBe(2);
    expect(errorOf(result.stderr).code).toBe('config_invalid');
  });

  it('draws a rebuild progress bar', () => {
    const status = (processed: number, total: number) =>
      ({ name: 'builds', version: 1, liveVersion: 1, state: 'rebuilding', lag: 0, rebuild: { status: 'building', reason: 'requested', targetVersion: 1, processed, total, error: null } }) as const;
    expect(progressLine(status(4_000, 10_000))).toBe('builds [############------------------]  40%  4,000/10,000 events');
    expect(progressLine(status(0, 0))).toBe('builds [##############################] 100%  0/0 events');
    expect(progressLine(status(10_000, 10_000))).toBe('builds [##############################] 100%  10,000/10,000 events');
  });

  it('never echoes the secret in an error', async () => {
    const result = await run(['webhook', 'send', '--url', 'http://x/webhooks/1', '--secret', 'whsec_c2VjcmV0LXZhbHVl!', '--data', '{}'], env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).not.toContain('c2VjcmV0LXZhbHVl');
  });

  it.each([['--version'], ['-V']])('prints the package version and the Node version for %s', async (arg) => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await run([arg], {});
    expect(result).toEqual({ exitCode: 0, stdout: `tributary ${version} (node ${process.version})\n`, stderr: '' });
  });

  it('prints an object as JSON by default and with -o json, as key/value rows with -o table, as YAML with -o yaml', async () => {
    const [plain, json, table, yaml] = await Promise.all([[], ['-o', 'json'], ['-o', 'table'], ['--output', 'yaml']].map((o) => run(['admin-key', 'generate', ...o], {})));
    for (const result of [plain, json, table, yaml]) expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(plain.stdout)).toEqual({ key: expect.stringMatching(/^trb_/) });
    expect(JSON.parse(json.stdout)).toEqual({ key: expect.stringMatching(/^trb_/) });
    expect(table.stdout).toMatch(/^key {2}trb_[a-z0-9]{12}_[A-Za-z0-9_-]{43}\n$/);
    expect(parse(yaml.stdout)).toEqual({ key: expect.stringMatching(/^trb_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/) });
  });

  it('exits 2 on an unknown -o format, before anything is sent, with the error as JSON on stderr', async () => {
    const result = await run(['tenant', 'list', '-o', 'xml'], env);
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(errorOf(result.stderr)).toEqual({ code: 'option_invalid', message: expect.stringContaining('json, table, yaml') });
  });

  it('keeps errors JSON on stderr whatever -o is', async () => {
    for (const format of ['table', 'yaml']) {
      const result = await run(['tenant', 'create', '-o', format], env);
      expect(result).toMatchObject({ exitCode: 2, stdout: '' });
      expect(errorOf(result.stderr).code).toBe('option_missing');
    }
  });

  it('names an unknown option in its message (exit 2)', async () => {
    const result = await run(['webhook', 'list', '--colour', 'red'], env);
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
    expect(errorOf(result.stderr)).toEqual({ code: 'option_invalid', message: expect.stringMatching(/^Unknown option --colour for "tributary webhook list"; usage: tributary webhook list /) });
    expect(errorOf((await run(['--colour'], env)).stderr)).toEqual({ code: 'option_invalid', message: expect.stringContaining('Unknown option --colour') });
  });

  it('keeps `settle ack --output` as the handler output and takes the format as -o there', async () => {
    const token = `stl_${'a'.repeat(43)}`;
    const bad = await run(['settle', 'ack', '--token', token, '--output', 'table'], env);
    expect(errorOf(bad.stderr)).toEqual({ code: 'option_invalid', message: '--output must be a JSON object' });
    const format = await run(['settle', 'ack', '--token', token, '-o', 'xml'], env);
    expect(errorOf(format.stderr).message).toContain('-o/--output must be one of json, table, yaml');
  });

  it('describes every option and argument of every command in its usage', () => {
    const missing = groups.flatMap((g) => Object.values(g.subcommands).flatMap((c) => optionLines(c).filter(([, text]) => text.trim() === '').map(([name]) => `${c.usage}: ${name}`)));
    expect(missing).toEqual([]);
  });

  it('prints one subcommand\'s usage for `<command> <subcommand> --help`', async () => {
    const result = await run(['webhook', 'create', '--help'], env);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain('tributary webhook create --topic <topic>');
    expect(result.stdout).not.toContain('webhook list');
    for (const option of ['--topic', '--app', '--tenant', '--verifier', '--name', '--rate-limit', '--secret', '-o, --output', '-h, --help']) expect(result.stdout).toContain(`${option} `);
  });

  it.each([['bash'], ['zsh']])('prints a %s completion script naming every command, subcommand and option', async (shell) => {
    const result = await run(['completion', shell], {});
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    for (const group of groups) {
      expect(result.stdout).toMatch(new RegExp(`[ "]${group.name}[ )]`));
      for (const [name, subcommand] of Object.entries(group.subcommands)) {
        expect(result.stdout).toContain(`"${group.name} ${name}") ${shell === 'bash' ? 'COMPREPLY=($(compgen -W "' : 'compadd -- '}${flagsOf(subcommand).join(' ')}`);
      }
    }
    // zsh is not on every machine that runs this: its script's syntax is checked where it is.
    const syntax = spawnSync(shell, ['-n'], { input: result.stdout });
    if (shell === 'bash' || syntax.error === undefined) expect(syntax.status).toBe(0);
  });

  it('completes commands, subcommands, options and formats in bash', async () => {
    const script = (await run(['completion', 'bash'], {})).stdout;
    const complete = (...words: string[]) => {
      const probe = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tributary; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const answer = spawnSync('bash', ['--norc', '-c', probe], { encoding: 'utf8' });
      expect(answer.status).toBe(0);
      return answer.stdout.trim().split('\n');
    };
    expect(complete('tributary', 'web')).toEqual(['webhook']);
    expect(complete('tributary', 'webhook', '')).toEqual(expect.arrayContaining(['create', 'list', 'show', 'update', 'send']));
    expect(complete('tributary', 'tenant', 'create', '--')).toEqual(expect.arrayContaining(['--name', '--rate-limit', '--output', '--help']));
    expect(complete('tributary', 'dlq', 'list', '-o', '')).toEqual(['json', 'table', 'yaml']);
    expect(complete('tributary', 'completion', '')).toEqual(['bash', 'zsh']);
  });

  const hasZsh = spawnSync('zsh', ['-fc', 'true']).status === 0;
  (hasZsh ? it : it.skip)('completes commands, subcommands, options and formats in zsh (where zsh is installed)', async () => {
    const script = (await run(['completion', 'zsh'], {})).stdout;
    // compadd is zsh's completion builtin; here it prints the words offered (zsh itself filters them by prefix).
    const complete = (...words: string[]) => {
      const probe = `${script}\ncompadd() { shift; print -r -- "$@"; }\nwords=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _tributary`;
      const answer = spawnSync('zsh', ['-fc', `compdef() { :; }\n${probe}`], { encoding: 'utf8' });
      expect(answer.status).toBe(0);
      return answer.stdout.trim().split(' ');
    };
    expect(complete('tributary', '')).toEqual(expect.arrayContaining(groups.map((g) => g.name)));
    expect(complete('tributary', 'webhook', '')).toEqual(expect.arrayContaining(['create', 'list', 'show', 'update', 'send']));
    expect(complete('tributary', 'tenant', 'create', '--')).toEqual(expect.arrayContaining(['--name', '--rate-limit', '--output', '--help']));
    expect(complete('tributary', 'dlq', 'list', '-o', '')).toEqual(['json', 'table', 'yaml']);
    expect(complete('tributary', 'settle', 'ack', '--output', '')).not.toContain('yaml');
  });

  it.each([[['completion']], [['completion', 'fish']]])('exits 2 on %j', async (argv) => {
    const result = await run(argv, {});
    expect(result).toMatchObject({ exitCode: 2, stdout: '' });
  });
});
