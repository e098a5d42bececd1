import pg from 'pg';

/**
 * Counts the SQL statements the process sends to PostgreSQL, by wrapping `pg.Client.prototype.query`:
 * TypeORM's postgres driver (its pool's clients are `pg.Client`s), the apps' own `pg.Client`s
 * (LISTEN, capture) and the embedded database's callers (the `pg` driver over its socket) all go
 * through it. Every statement counts, `BEGIN`/`COMMIT`/`SET LOCAL`/`LISTEN` included, and each
 * statement of a multi-statement simple query string on its own. A deterministic measure of what a
 * change costs in round trips, where a timing would be noise (see test/int/statement-budget.int-spec.ts).
 */

export interface StatementCount {
  /** The statement as sent, whitespace folded (bind parameters keep it free of values). */
  readonly statement: string;
  /** The app it was sent for, when the counter was given `appOf`. */
  readonly app?: string;
  readonly count: number;
}

export interface StatementCounterOptions {
  /** Names the app the calling code belongs to (the standalone runs four in one process); unset: no app. */
  readonly appOf?: () => string | undefined;
}

type Query = pg.Client['query'];

/** Whether a counter wraps `query` now: two wrappers stopped out of order would restore the wrong function. */
let oneCounting = false;

export class StatementCounter {
  private readonly counts = new Map<string, { statement: string; app?: string; count: number }>();
  private readonly ignored = new WeakSet<object>();
  private original?: Query;
  private total = 0;

  constructor(private readonly options: StatementCounterOptions = {}) {}

  /** Statements counted since the last `reset`. */
  get count(): number {
    return this.total;
  }

  get counting(): boolean {
    return this.original !== undefined;
  }

  start(): this {
    if (this.original) return this;
    if (oneCounting) throw new Error('Another StatementCounter is counting already: stop it first');
    const original = pg.Client.prototype.query;
    const record = (client: object, config: unknown, values: unknown) => this.record(client, config, values);
    this.original = original;
    oneCounting = true;
    pg.Client.prototype.query = function (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) {
      record(this, config, values);
      return (original as (...args: unknown[]) => unknown).call(this, config, values, callback);
    } as Query;
    return this;
  }

  /** Puts the original `query` back; the counts stay readable. */
  stop(): this {
    if (!this.original) return this;
    pg.Client.prototype.query = this.original;
    this.original = undefined;
    oneCounting = false;
    return this;
  }

  reset(): this {
    this.counts.clear();
    this.total = 0;
    return this;
  }

  /** Leaves a client's statements out (a test's own probe connection). */
  ignore(client: pg.Client): this {
    this.ignored.add(client);
    return this;
  }

  /** Every distinct statement (per app, with `appOf`) and how often it was sent, the most frequent first. */
  tally(): StatementCount[] {
    return [...this.counts.values()].map((c) => ({ ...c })).sort((a, b) => b.count - a.count || a.statement.localeCompare(b.statement));
  }

  /** Statements per app (`-` for those sent outside any app). */
  byApp(): Record<string, number> {
    const apps: Record<string, number> = {};
    for (const { app, count } of this.counts.values()) apps[app ?? '-'] = (apps[app ?? '-'] ?? 0) + count;
    return apps;
  }

  /** The total and the `top` most frequent statements, one line each, cut to a readable width. */
  report(top = 20, width = 160): string {
    const lines = this.tally()
      .slice(0, top)
      .map(({ statement, app, count }) => {
        const text = statement.length > width ? `${statement.slice(0, width - 1)}…` : statement;
        return `${String(count).padStart(7)}  ${app ? `${app.padEnd(18)} ` : ''}${text}`;
      });
    const apps = Object.entries(this.byApp())
      .map(([app, count]) => `${app} ${count}`)
      .join(', ');
    return [`${this.total} statements${this.options.appOf ? ` (${apps})` : ''}`, ...lines].join('\n');
  }

  toJSON(): { total: number; byApp: Record<string, number>; statements: StatementCount[] } {
    return { total: this.total, byApp: this.byApp(), statements: this.tally() };
  }

  private record(client: object, config: unknown, values: unknown): void {
    if (this.ignored.has(client)) return;
    const app = this.options.appOf?.();
    for (const statement of statementsOf(config, values)) {
      const key = `${app ?? ''}\u0000${statement}`;
      const entry = this.counts.get(key);
      if (entry) entry.count++;
      else this.counts.set(key, { statement, ...(app ? { app } : {}), count: 1 });
      this.total++;
    }
  }
}

/** The statements one `query` call sends: one with the extended protocol, each of a simple query string's otherwise. */
export function statementsOf(config: unknown, values?: unknown): string[] {
  if (typeof config === 'string') return splitStatements(config, hasValues(values));
  if (!config || typeof config !== 'object') return [];
  const query = config as { text?: unknown; values?: unknown; name?: unknown; queryMode?: unknown; rows?: unknown };
  if (typeof query.text !== 'string') return [];
  const extended = hasValues(query.values ?? values) || Boolean(query.name) || Boolean(query.rows) || query.queryMode === 'extended';
  return splitStatements(query.text, extended);
}

const hasValues = (values: unknown) => Array.isArray(values) && values.length > 0;

const fold = (statement: string) => statement.replace(/\s+/g, ' ').trim();

function splitStatements(text: string, extended: boolean): string[] {
  const statements = splitSql(text)
    .map(fold)
    .filter((s) => s.length > 0);
  // The extended protocol carries one statement, whatever semicolons its text has.
  return extended ? [statements.join('; ')] : statements;
}

/**
 * Splits a simple query string at the semicolons that end statements — not those inside quoted
 * strings or identifiers, dollar-quoted bodies or comments — and leaves the comments out.
 */
export function splitSql(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    let end = i + 1;
    if (c === "'" || c === '"') {
      end = endOfQuoted(text, i, c);
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        end = close === -1 ? text.length : close + tag[0].length;
      }
    } else if ((c === '-' && next === '-') || (c === '/' && next === '*')) {
      const close = c === '-' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + (c === '-' ? 1 : 2);
      current += ' ';
      continue;
    } else if (c === ';') {
      statements.push(current);
      current = '';
      i++;
      continue;
    }
    current += text.slice(i, end);
    i = end;
  }
  statements.push(current);
  return statements;
}

/** Past the closing quote; a doubled quote is an escaped one (`E'…'` strings' backslashes are honoured too). */
function endOfQuoted(text: string, start: number, quote: string): number {
  const backslashes = quote === "'" && /[eE]/.test(text[start - 1] ?? '') && !/[A-Za-z0-9_]/.test(text[start - 2] ?? '');
  let i = start + 1;
  while (i < text.length) {
    if (backslashes && text[i] === '\\') i += 2;
    else if (text[i] === quote && text[i + 1] === quote) i += 2;
    else if (text[i] === quote) return i + 1;
    else i++;
  }
  return text.length;
}
