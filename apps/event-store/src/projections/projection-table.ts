import type { EntityManager, EntityMetadata, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

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
      await this.insert(round).orIgnore().execute();
    }
  }

  /** Inserts the rows, or updates the existing row of their key (see `UpsertOptions`). One statement per round of keys. */
  async upsert(rows: readonly ProjectionRow<T>[], options: UpsertOptions<T> = {}): Promise<void> {
    const keyNames = this.keys.map((k) => k.databaseName);
    const newer = (options.onlyIfNewer ?? []).map((p) => this.column(p).databaseName);
    for (const round of this.rounds(rows)) {
      const overwrite = (options.overwrite ? options.overwrite.map((p) => this.column(p)) : this.givenColumns(round).filter((c) => !c.isPrimary)).map(
        (c) => c.databaseName,
      );
      const query = this.insert(round);
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
  private insert(rows: readonly ProjectionRow<T>[]) {
    const { columns, select } = this.rowsOf(rows);
    return this.manager.createQueryBuilder().insert().into(this.path, columns).valuesFromSelect(select).updateEntity(false).callListeners(false);
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
   * The columns the rows give (in the entity's order, by property for the live table — TypeORM knows
   * its entity — and by column for a shadow, which it does not) and the SELECT that yields the rows:
   * one array parameter per column, unnested in lockstep, so a statement of thousands of rows has a
   * handful of parameters. Each array goes to the driver as given — not through TypeORM's
   * conversions, which would cut a timestamp given as text to the millisecond. A column one row
   * leaves out is NULL where another row of the call gives it.
   */
  private rowsOf(rows: readonly ProjectionRow<T>[]): { columns: string[]; select: SelectQueryBuilder<ObjectLiteral> } {
    const given = this.givenColumns(rows);
    const byProperty = this.manager.connection.hasMetadata(this.path);
    const select = this.manager.createQueryBuilder().fromDummy();
    given.forEach((column, i) => {
      const values = rows.map((row) => toDriverValue(column, (row as Record<string, unknown>)[column.propertyName]) ?? null);
      const expression = `unnest(CAST(:c${i} AS ${this.manager.connection.driver.normalizeType(column)}[]))`;
      if (i === 0) select.select(expression, column.databaseName);
      else select.addSelect(expression, column.databaseName);
      select.setParameter(`c${i}`, values);
    });
    return { columns: given.map((c) => (byProperty ? c.propertyPath : c.databaseName)), select };
  }

  private givenColumns(rows: readonly ProjectionRow<T>[]): ColumnMetadata[] {
    return this.metadata.columns.filter((c) => rows.some((row) => (row as Record<string, unknown>)[c.propertyName] !== undefined));
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
