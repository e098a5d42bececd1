import type { DataSource } from 'typeorm';

/**
 * Which of these tables exist. The operator page reads the other apps' tables in the one database (runs and
 * schedules in `worker`, projections in `event_store`); a gateway whose database has not been migrated by those
 * apps yet shows them empty instead of failing.
 */
export async function presentTables(dataSource: DataSource, names: readonly string[]): Promise<Set<string>> {
  // SQL: to_regclass, the catalog lookup of a qualified name (no ORM form).
  const rows = await dataSource.query<{ name: string; present: string | null }[]>(
    `SELECT n AS name, to_regclass(n)::text AS present FROM unnest($1::text[]) AS n`,
    [names],
  );
  return new Set(rows.filter((r) => r.present !== null).map((r) => r.name));
}
