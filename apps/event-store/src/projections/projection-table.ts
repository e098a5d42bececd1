import type { EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';

type ColumnMetadata = EntityMetadata['columns'][number];

/**
 * A value a projection writes to a column. Timestamps may also be given as ISO-8601 text, as events
 * carry them: the database then keeps them exact to the microsecond (a JavaScript Date stops at the
 * millisecond), so a rebuild compares times exactly as the live run did.
 */
export type ColumnValue<V> = V extends Date ? Date | string : V;

/** A row of entity `T` as a projection writes it: its key columns and the columns it sets. */
export type ProjectionRow<T> = { readonly [K in keyof T]?: ColumnValue<T[K]> };

export interface UpsertOptions<T> {
  /** The columns an existing row takes from the new one (default: every column the rows give but the key). */
  readonly overwrite?: readonly (keyof T & string)[];
  /**
   * Only overwrite a row whose (these columns) are smaller than the new row's, compared as a tuple
   * (a register that moves only to newer values: late or repeated events change nothing). A row
   * whose first such column is NULL is always overwritten.
   */
  readonly onlyIfNewer?: readonly (keyof T & string)[];
}

/**
 * Writes one projection entity's rows — to its live table, or to its shadow while the projection is
 * being rebuilt — as multi-row statements built by TypeORM's query builder from the entity's
 * metadata (columns and primary key), so projections write entities, never SQL. Rows of one key go
 * in successive statements, in the order given: PostgreSQL cannot change a row twice in one
 * statement, and the change-sink then sees each change of a row (live, a subscriber sees "in
 * transit" before "out for delivery" when both arrive in one batch).
 */
export class ProjectionTable<T extends ObjectLiteral> {
  private readonly keys: readonly ColumnMetadata[];

  constructor(
    private readonly manager: EntityManager,
    private readonly metadata: EntityMetadata,
    /** `schema.table`, unquoted: the live table or its shadow. */
    private readonly path: string,
  ) {
    this.keys = metadata.primaryColumns;
  }

  /** Inserts the rows whose key is new; existing rows stay as they are. One statement. */
  async insertMissing(rows: readonly ProjectionRow<T>[]): Promise<void> {
    for (const round of this.rounds(rows)) {
      const { columns, values, parameters } = this.valuesOf(round);
      await this.insert(columns, values, parameters).orIgnore().execute();
    }
  }

  /** Inserts the rows, or updates the existing row of their key (see `UpsertOptions`). One statement per round of keys. */
  async upsert(rows: readonly ProjectionRow<T>[], options: UpsertOptions<T> = {}): Promise<void> {
    const keyNames = this.keys.map((k) => k.databaseName);
    const newer = (options.onlyIfNewer ?? []).map((p) => this.column(p).databaseName);
    for (const round of this.rounds(rows)) {
      const { columns, values, parameters } = this.valuesOf(round);
      const given = this.metadata.columns.filter((c) => round.some((row) => (row as Record<string, unknown>)[c.propertyName] !== undefined));
      const overwrite = (options.overwrite ? options.overwrite.map((p) => this.column(p)) : given.filter((c) => !c.isPrimary)).map((c) => c.databaseName);
      const query = this.insert(columns, values, parameters);
      if (overwrite.length === 0) {
        await query.orIgnore().execute();
        continue;
      }
      await query
        .orUpdate(overwrite, keyNames, {
          upsertType: 'on-conflict-do-update',
          ...(newer.length > 0 ? { overwriteCondition: { where: this.olderThanNew(newer) } } : {}),
        })
        .execute();
    }
  }

  /**
   * Adds the rows' `columns` to those of the existing rows of their keys (counters); a new key is
   * inserted as given. Rows of one key are summed first. Two statements: the current rows are read,
   * then written back — safe because one batch of a projection runs at a time (its checkpoint row is
   * locked by the transaction).
   */
  async add(rows: readonly ProjectionRow<T>[], columns: readonly (keyof T & string)[]): Promise<void> {
    const sums = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const key = this.keyOf(row);
      const sum = sums.get(key);
      if (!sum) sums.set(key, { ...row });
      else for (const c of columns) sum[c] = toBigInt(sum[c]) + toBigInt((row as Record<string, unknown>)[c]);
    }
    if (sums.size === 0) return;
    const alias = 't';
    const select = this.manager
      .createQueryBuilder()
      .select([...this.keys, ...columns.map((c) => this.column(c))].map((c) => `${alias}.${this.quote(c.databaseName)} AS ${this.quote(c.propertyName)}`))
      .from(this.path, alias);
    [...sums.values()].forEach((row, i) => {
      const match = this.keys.map((k) => `${alias}.${this.quote(k.databaseName)} = :k${i}_${k.propertyName}`).join(' AND ');
      select.orWhere(`(${match})`, Object.fromEntries(this.keys.map((k) => [`k${i}_${k.propertyName}`, row[k.propertyName]])));
    });
    for (const existing of await select.getRawMany<Record<string, unknown>>()) {
      const sum = sums.get(this.keyOf(existing as ProjectionRow<T>))!;
      for (const c of columns) sum[c] = toBigInt(sum[c]) + toBigInt(existing[c]);
    }
    const written = [...sums.values()].map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v])));
    await this.upsert(written as ProjectionRow<T>[]);
  }

  /** A multi-row INSERT of the rows: no entity listeners, nothing read back (the statement alone). */
  private insert(columns: string[], values: Record<string, unknown>[], parameters: Record<string, unknown>) {
    return this.manager.createQueryBuilder().insert().into(this.path, columns).values(values).setParameters(parameters).updateEntity(false).callListeners(false);
  }

  /** The rows split so that no statement holds a key twice, in order: the first row of each key, then the second … */
  private rounds(rows: readonly ProjectionRow<T>[]): ProjectionRow<T>[][] {
    const seen = new Map<string, number>();
    const rounds: ProjectionRow<T>[][] = [];
    for (const row of rows) {
      const key = this.keyOf(row);
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      (rounds[n] ??= []).push(row);
    }
    return rounds;
  }

  private keyOf(row: ProjectionRow<T>): string {
    return this.keys
      .map((k) => {
        const value = (row as Record<string, unknown>)[k.propertyName];
        if (value === undefined || value === null) throw new Error(`${this.metadata.name}: a row has no ${k.propertyName} (part of the primary key)`);
        return String(value);
      })
      .join('\u0000');
  }

  /**
   * The columns the rows give (in the entity's order) and the rows as the query builder takes them:
   * keyed by property for the live table (TypeORM knows its entity), by column for a shadow (it does
   * not). Every value is a named parameter handed to the driver as given — not through TypeORM's
   * conversions, which would cut a timestamp given as text to the millisecond.
   */
  private valuesOf(rows: readonly ProjectionRow<T>[]): { columns: string[]; values: Record<string, unknown>[]; parameters: Record<string, unknown> } {
    const given = this.metadata.columns.filter((c) => rows.some((row) => (row as Record<string, unknown>)[c.propertyName] !== undefined));
    const byProperty = this.manager.connection.hasMetadata(this.path);
    const nameOf = (c: ColumnMetadata) => (byProperty ? c.propertyPath : c.databaseName);
    const parameters: Record<string, unknown> = {};
    const values = rows.map((row, r) =>
      Object.fromEntries(
        given.map((c, i) => {
          const value = (row as Record<string, unknown>)[c.propertyName];
          if (value === undefined) return [nameOf(c), undefined];
          const name = `v${r}_${i}`;
          parameters[name] = toDriverValue(c, value);
          return [nameOf(c), () => `:${name}`];
        }),
      ),
    );
    return { columns: given.map(nameOf), values, parameters };
  }

  /** `existing.a IS NULL OR (existing.a, existing.b) < (new.a, new.b)`: the existing row is the table's name in ON CONFLICT. */
  private olderThanNew(columns: readonly string[]): string {
    const table = this.path.split('.').map((part) => this.quote(part)).join('.');
    const existing = columns.map((c) => `${table}.${this.quote(c)}`);
    const incoming = columns.map((c) => `EXCLUDED.${this.quote(c)}`);
    const tuple = (parts: string[]) => (parts.length === 1 ? parts[0] : `(${parts.join(', ')})`);
    return `(${existing[0]} IS NULL OR ${tuple(existing)} < ${tuple(incoming)})`;
  }

  private column(property: string): ColumnMetadata {
    const column = this.metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${this.metadata.name} has no column ${property}`);
    return column;
  }

  private quote(name: string): string {
    return this.manager.connection.driver.escape(name);
  }
}

/** JSON columns take text; the rest go to the driver as given (timestamps as text stay exact). */
function toDriverValue(column: ColumnMetadata, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  return column.type === 'jsonb' || column.type === 'json' ? JSON.stringify(value) : value;
}

function toBigInt(value: unknown): bigint {
  return value === undefined || value === null ? 0n : BigInt(value as string | number | bigint);
}
