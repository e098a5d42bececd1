import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * SQL statements sent by the apps' processes, counted by `@tributary/testing`'s statement counter
 * preloaded into each (`--import …/statement-counter.preload.js`): on SIGUSR2 a process writes its
 * cumulative tally to its STATEMENT_COUNT_FILE. The counter wraps every query, so it is only loaded
 * for the counting run, never while throughput is measured.
 */

const PRELOAD = new URL('../libs/testing/src/statement-counter.preload.js', import.meta.url).pathname;
const SNAPSHOT_TIMEOUT_MS = 10_000;

/** How a system's processes are started so they count: node arguments and each process's env. */
export interface StatementInstrument {
  readonly nodeArgs: readonly string[];
  envFor(process: string): Record<string, string>;
}

export interface StatementSnapshot {
  readonly total: number;
  readonly statements: ReadonlyMap<string, number>;
}

interface Tally {
  readonly at: string;
  readonly total: number;
  readonly statements: readonly { statement: string; count: number }[];
}

export interface StatementCounting {
  readonly instrument: StatementInstrument;
  /** Every process's cumulative tally now (summed). */
  snapshot(pids: Readonly<Record<string, number>>): Promise<StatementSnapshot>;
  close(): void;
}

/** The counter, or null when the build has no preload for it. */
export function statementCounting(): StatementCounting | null {
  if (!existsSync(PRELOAD)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'tributary-statements-'));
  const fileOf = (name: string) => join(dir, `${name.replace(/[^\w-]/g, '_')}.json`);
  return {
    instrument: { nodeArgs: ['--import', PRELOAD], envFor: (name) => ({ STATEMENT_COUNT_FILE: fileOf(name) }) },
    async snapshot(pids) {
      const statements = new Map<string, number>();
      let total = 0;
      for (const [name, pid] of Object.entries(pids)) {
        const tally = await dump(fileOf(name), pid);
        total += tally.total;
        for (const { statement, count } of tally.statements) statements.set(statement, (statements.get(statement) ?? 0) + count);
      }
      return { total, statements };
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Asks a process for its tally and waits for the file to be rewritten. */
async function dump(file: string, pid: number): Promise<Tally> {
  const before = existsSync(file) ? statSync(file).mtimeMs : 0;
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Tally).at : undefined;
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + SNAPSHOT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(20);
    if (!existsSync(file) || statSync(file).mtimeMs === before) continue;
    try {
      const tally = JSON.parse(readFileSync(file, 'utf8')) as Tally;
      if (tally.at !== previous) return tally;
    } catch {
      // Read while being written: try again.
    }
  }
  throw new Error(`no statement tally from process ${pid} in ${file} within ${SNAPSHOT_TIMEOUT_MS} ms`);
}

/** What was sent between two snapshots: the total and the most frequent statements. */
export function statementsBetween(before: StatementSnapshot, after: StatementSnapshot): StatementSnapshot {
  const statements = new Map<string, number>();
  for (const [statement, count] of after.statements) {
    const delta = count - (before.statements.get(statement) ?? 0);
    if (delta > 0) statements.set(statement, delta);
  }
  return { total: after.total - before.total, statements };
}
