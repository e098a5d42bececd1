/**
 * What the libs need of a database handle: a TypeORM `EntityManager` inside a transaction,
 * or the `DataSource` outside one. Statements that change rows are written as `WITH … RETURNING`
 * wrapped in a SELECT so every driver returns plain rows.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<T[]>;
}
