import { escapeIdentifier } from 'pg';
import type { Queryable } from '@tributary/database';
import type { ProjectionTable } from '../projection-registry.js';

/** A PostgreSQL identifier, quoted by the driver. */
const quote = escapeIdentifier;

/** A fresh, empty shadow with the live table's columns, defaults, constraints and indexes (no triggers, grants or policies). */
export async function createShadow(q: Queryable, table: ProjectionTable): Promise<void> {
  // SQL: DDL (a table LIKE another, INCLUDING ALL), no ORM form.
  await q.query(`DROP TABLE IF EXISTS ${table.shadow}`);
  await q.query(`CREATE TABLE ${table.shadow} (LIKE ${table.live} INCLUDING ALL)`);
}

export async function dropShadow(q: Queryable, table: ProjectionTable): Promise<void> {
  // SQL: DDL.
  await q.query(`DROP TABLE IF EXISTS ${table.shadow}`);
}

/**
 * Makes the live table equal to its shadow in the caller's transaction, writing only the rows that
 * differ: rows missing from the shadow are deleted, new ones inserted, changed ones updated. Readers
 * see the old contents until the transaction commits and the new ones after, never a mix; the live
 * table keeps its identity — indexes, triggers (the change-sink's capture), grants, row-level
 * security — and change capture sees exactly the rows the rebuild changed.
 */
export async function mergeShadowIntoLive(q: Queryable, table: ProjectionTable): Promise<{ deleted: number; upserted: number }> {
  // SQL: the catalog (pg_attribute, pg_index) of a table named at run time (live or shadow), no entity.
  const columns = await q.query<{ name: string; key: boolean }>(
    `SELECT a.attname AS name, coalesce(a.attnum = ANY (i.indkey::int2[]), false) AS key
       FROM pg_attribute a
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [table.live],
  );
  const keys = columns.filter((c) => c.key).map((c) => quote(c.name));
  if (keys.length === 0) throw new Error(`Projection table ${table.name} has no primary key; a rebuild cannot swap it in`);
  const all = columns.map((c) => quote(c.name));
  const values = columns.filter((c) => !c.key).map((c) => quote(c.name));
  const sameKey = keys.map((k) => `s.${k} = l.${k}`).join(' AND ');
  // SQL: a set-based merge of two tables (anti-join delete; upsert where the row differs, a condition no ORM form has).
  const deleted = await q.query<{ n: string }>(
    `WITH gone AS (DELETE FROM ${table.live} AS l WHERE NOT EXISTS (SELECT 1 FROM ${table.shadow} AS s WHERE ${sameKey}) RETURNING 1)
     SELECT count(*) AS n FROM gone`,
  );
  const onConflict =
    values.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${values.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
         WHERE ROW(${values.map((c) => `l.${c}`).join(', ')}) IS DISTINCT FROM ROW(${values.map((c) => `EXCLUDED.${c}`).join(', ')})`;
  const upserted = await q.query<{ n: string }>(
    `WITH written AS (
       INSERT INTO ${table.live} AS l (${all.join(', ')}) SELECT ${all.join(', ')} FROM ${table.shadow}
       ON CONFLICT (${keys.join(', ')}) ${onConflict}
       RETURNING 1)
     SELECT count(*) AS n FROM written`,
  );
  return { deleted: Number(deleted[0].n), upserted: Number(upserted[0].n) };
}
