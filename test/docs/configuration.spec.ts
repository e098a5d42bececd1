import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiRootConfig } from '../../apps/api-root/src/api-root.config.js';
import { ChangeSinkConfig } from '../../apps/change-sink/src/change-sink.config.js';
import { loadCliConfig } from '../../apps/cli/src/cli.config.js';
import { EventStoreConfig } from '../../apps/event-store/src/event-store.config.js';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { WorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import { StandaloneConfig } from '../../apps/standalone/src/standalone.config.js';
import { configVariables, placeholderSecret, requiredVariables } from '../ops/ops-fixtures.js';

// docs/configuration.md against the config classes: every variable each app reads is on the page under that app
// (or under Shared with the app listed), nothing else is, the defaults are the classes' and "(required)" is said
// exactly of the variables without which the app refuses to start.

type Config = new () => object;
const APPS: Record<string, { config: Config; env: Record<string, string> }> = {
  gateway: { config: GatewayConfig, env: { DATABASE_URL: placeholderSecret('DATABASE_URL'), TRIBUTARY_SIGNING_KEY: 'k', TRIBUTARY_ENCRYPTION_KEY: placeholderSecret('TRIBUTARY_ENCRYPTION_KEY') } },
  'event-store': { config: EventStoreConfig, env: { DATABASE_URL: placeholderSecret('DATABASE_URL'), TRIBUTARY_SIGNING_KEY: 'k' } },
  'change-sink': { config: ChangeSinkConfig, env: { DATABASE_URL: placeholderSecret('DATABASE_URL') } },
  'integration-worker': { config: WorkerConfig, env: { DATABASE_URL: placeholderSecret('DATABASE_URL'), TRIBUTARY_SIGNING_KEY: 'k' } },
  standalone: { config: StandaloneConfig, env: {} },
  'api-root': { config: ApiRootConfig, env: {} },
};
const SHARED_NAMES: Record<string, string> = { gateway: 'gateway', worker: 'integration-worker', 'event-store': 'event-store', 'change-sink': 'change-sink' };

interface Row {
  readonly section: string;
  readonly variables: string[];
  readonly apps: string[];
  readonly defaultCell: string;
}

const text = readFileSync(join(process.cwd(), 'docs/configuration.md'), 'utf8');
const rows: Row[] = text
  .split(/^## /m)
  .slice(1)
  .flatMap((chunk) => {
    const section = chunk.slice(0, chunk.indexOf('\n')).split(' ')[0];
    const lines = chunk.split('\n').filter((l) => l.startsWith('| `'));
    return lines.map((line) => {
      const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      const variables = [...cells[0].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]);
      if (section === 'Shared') {
        const apps = cells[1] === 'all' ? Object.values(SHARED_NAMES) : cells[1].split(',').map((a) => SHARED_NAMES[a.trim()]);
        return { section, variables, apps, defaultCell: cells[2] };
      }
      return { section, variables, apps: [section], defaultCell: cells[1] };
    });
  });

/** The documented default of each variable of a row: a literal, undefined (unset, —), or unknown (prose). */
function defaults(row: Row): Map<string, string | undefined> | null {
  const parts = row.defaultCell.split(/,\s+/);
  const values = parts.map((part) => {
    const literal = /^`([^`]*)`/.exec(part) ?? /^(\d+)$/.exec(part);
    if (literal) return { value: literal[1] };
    if (/^(—|unset)/.test(part)) return { value: undefined };
    return null;
  });
  if (values.some((v) => v === null)) return null;
  if (values.length === 1 && values[0]!.value === undefined) return new Map(row.variables.map((v) => [v, undefined]));
  if (values.length !== row.variables.length) return null;
  return new Map(row.variables.map((v, i) => [v, values[i]!.value]));
}

describe('docs/configuration.md', () => {
  it('has a row for every variable', () => {
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) expect({ row: row.variables, apps: row.apps.every(Boolean) && row.variables.length > 0 }).toEqual({ row: row.variables, apps: true });
  });

  it.each(Object.keys(APPS))("documents exactly the variables %s reads", (app) => {
    const documented = rows.filter((r) => r.apps.includes(app)).flatMap((r) => r.variables);
    expect([...new Set(documented)].sort()).toEqual(configVariables(APPS[app].config));
  });

  it.each(Object.keys(APPS))("gives %s's defaults and required variables as its config class does", (app) => {
    const { config, env } = APPS[app];
    const instance = new config() as Record<string, unknown>;
    const required = requiredVariables(config, env);
    for (const row of rows.filter((r) => r.apps.includes(app))) {
      if (row.variables.join() === 'PORT' && row.section === 'Shared') {
        const ports = Object.fromEntries([...row.defaultCell.matchAll(/([a-z-]+) (\d+)/g)].map(([, a, p]) => [SHARED_NAMES[a], p]));
        expect({ app, port: ports[app] }).toEqual({ app, port: String(instance.PORT) });
      }
      const documented = defaults(row);
      for (const variable of row.variables) {
        if (documented) {
          const actual = instance[variable] === undefined ? undefined : String(instance[variable]);
          expect({ app, variable, default: documented.get(variable) }).toEqual({ app, variable, default: actual });
        }
        expect({ app, variable, required: row.defaultCell === '— (required)' }).toEqual({ app, variable, required: required.includes(variable) });
      }
    }
  });

  it("gives the CLI's variables and defaults", () => {
    const cli = rows.filter((r) => r.section === 'CLI');
    const config = loadCliConfig({}, tmpdir());
    const byVariable: Record<string, unknown> = { TRIBUTARY_URL: config.gatewayUrl, TRIBUTARY_WORKER_URL: config.workerUrl, TRIBUTARY_EVENT_STORE_URL: config.eventStoreUrl };
    const source = readFileSync(join(process.cwd(), 'apps/cli/src/cli.config.ts'), 'utf8');
    for (const row of cli) {
      for (const variable of row.variables) {
        expect(source).toContain(variable);
        const documented = defaults(row)?.get(variable);
        if (variable in byVariable) expect({ variable, default: documented }).toEqual({ variable, default: byVariable[variable] });
      }
    }
    expect(cli.flatMap((r) => r.variables).sort()).toEqual(['TRIBUTARY_ADMIN_KEY', 'TRIBUTARY_API_KEY', 'TRIBUTARY_EVENT_STORE_URL', 'TRIBUTARY_URL', 'TRIBUTARY_WORKER_URL']);
  });
});
