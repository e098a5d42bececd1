import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { interpolate, placeholderSecret } from './ops-fixtures.js';
import type { Json } from '../support/json.js';

const dockerDir = join(process.cwd(), 'docker');

/** docker/compose.yaml's text and docker/.env.example's values, the keys filled in as an operator would. */
export const composeText = readFileSync(join(dockerDir, 'compose.yaml'), 'utf8');
export const dotEnv: Record<string, string> = Object.fromEntries(
  readFileSync(join(dockerDir, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => l.split('=', 2) as [string, string])
    // The example leaves the keys for the operator to fill in: fill them as an operator would.
    .map(([k, v]) => [k, v === '' ? placeholderSecret(k) : v]),
);

/** Compose as `docker compose` reads it: YAML merge keys, then ${VAR} interpolation from docker/.env. */
export const compose = parse(interpolate(composeText, dotEnv), { merge: true }) as { services: Record<string, Json> };

export const service = (name: string) => {
  const s = compose.services[name];
  if (!s) throw new Error(`compose has no service ${name}`);
  return s;
};

/** A service's environment as strings. */
export const envOf = (s: { environment?: Record<string, unknown> }): Record<string, string> =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

/** The host paths a service mounts (relative to docker/, as compose resolves them), with where they go in the container. */
export const bindMounts = (s: { volumes?: string[] }): { source: string; target: string }[] =>
  (s.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source.startsWith('.') || source.startsWith('/'))
    .map(([source, target]) => ({ source: join(dockerDir, source), target }));

/** The tables a SQL script creates, with their columns. */
export function createdTables(sql: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const [, name, body] of sql.replace(/--.*$/gm, '').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?`?(\w+)`?\s*\(([\s\S]*?)\);/gi)) {
    const columns = body
      .split(/,(?![^(]*\))/)
      .map((line) => line.trim())
      .filter((line) => !/^(PRIMARY|UNIQUE|KEY|INDEX|CONSTRAINT|FOREIGN)\b/i.test(line))
      .map((line) => /^`?(\w+)`?/.exec(line)![1]);
    tables.set(name, columns);
  }
  return tables;
}
