import pg from 'pg';

/** Per table (`schema.table`): its row count and a digest of its rows. */
export type RowSnapshot = Record<string, string>;

export interface RowSnapshotOptions {
  /** The schemas to look at (default: every schema but PostgreSQL's own). */
  readonly schemas?: readonly string[];
  /** Columns that change by themselves (heartbeats, leases): left out of the digest. */
  readonly volatileColumns?: RegExp;
  /** Tables only counted (their rows change by themselves). */
  readonly countOnly?: readonly string[];
  /** Tables left out altogether (logs that record every answer, refusals included, and are written later). */
  readonly ignored?: readonly string[];
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * Snapshots of what a database holds — every table's row count and a digest of its rows, read from
 * the catalog each time so a table made later is seen too — to show that a request stored nothing.
 */
export class RowSnapshots {
  private constructor(
    private readonly client: pg.Client,
    private readonly options: RowSnapshotOptions,
  ) {}

  static async open(databaseUrl: string, options: RowSnapshotOptions = {}): Promise<RowSnapshots> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new RowSnapshots(client, options);
  }

  async take(): Promise<RowSnapshot> {
    const { rows: columns } = await this.client.query<{ schema: string; name: string; columns: string[] }>(
      `SELECT n.nspname AS schema, c.relname AS name, array_agg(a.attname::text ORDER BY a.attnum) AS columns
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
          AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [this.options.schemas ?? null],
    );
    const watched = columns.filter(({ schema, name }) => !this.options.ignored?.includes(`${schema}.${name}`));
    if (watched.length === 0) return {};
    const parts = watched.map(({ schema, name, columns: names }) => {
      const table = `${schema}.${name}`;
      const kept = names.filter((c) => !this.options.volatileColumns?.test(c));
      const digest =
        this.options.countOnly?.includes(table) || kept.length === 0
          ? `''`
          : `coalesce(md5(string_agg(md5(ROW(${kept.map((c) => `t.${quote(c)}`).join(', ')})::text), '' ORDER BY md5(ROW(${kept.map((c) => `t.${quote(c)}`).join(', ')})::text))), '')`;
      return `SELECT ${pg.escapeLiteral(table)} AS name, count(*)::text || ':' || ${digest} AS state FROM ${quote(schema)}.${quote(name)} t`;
    });
    const { rows } = await this.client.query<{ name: string; state: string }>(parts.join(' UNION ALL '));
    return Object.fromEntries(rows.map((r) => [r.name, r.state]));
  }

  /** Runs a query on the snapshot connection (for a check that belongs with the snapshot). */
  query<T extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<T[]> {
    return this.client.query<T>(sql, values).then((r) => r.rows);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** The tables whose state differs: `{ table: [before, after] }` (row count first). */
export function snapshotChanges(before: RowSnapshot, after: RowSnapshot): Record<string, [string | undefined, string | undefined]> {
  const changes: Record<string, [string | undefined, string | undefined]> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[table] !== after[table]) changes[table] = [before[table], after[table]];
  }
  return changes;
}
