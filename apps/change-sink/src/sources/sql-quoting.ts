import { TributaryError } from '@tributary/domain';
// mysql2's own escaper (the driver imports it too), without the driver: a change-sink without MariaDB never loads mysql2.
import { escape, escapeId } from 'sql-escaper';
import { escapeIdentifier, escapeLiteral } from 'pg';

// Names written into SQL text (DDL, trigger bodies, select lists: where no bind parameter can stand), quoted by the drivers.

/** Neither database can hold a NUL in a name or a string (PostgreSQL's protocol ends the query text at one). */
function withoutNul(text: string): string {
  if (text.includes('\0')) {
    throw new TributaryError('invalid', 'sql_name_invalid', `${JSON.stringify(text)} cannot name a table or column: it holds a NUL character`);
  }
  return text;
}

/** An empty name is an error in both databases too: refused here, by name, not by a syntax error later. */
function usable(name: string): string {
  if (name === '') throw new TributaryError('invalid', 'sql_name_invalid', 'An empty string cannot name a table or column');
  return withoutNul(name);
}

/** `schema.table` or `table`: the first dot separates the schema, as in TABLE_NAMES; the table's own name may hold dots. */
export function splitTable(table: string): { schema: string | null; name: string } {
  const dot = table.indexOf('.');
  return dot === -1 ? { schema: null, name: table } : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}

export const pgIdentifier = (name: string): string => escapeIdentifier(usable(name));

/** An unqualified table stays unqualified (the search path finds it), as written in the configuration. */
export function pgTable(table: string): string {
  const { schema, name } = splitTable(table);
  return schema === null ? pgIdentifier(name) : `${pgIdentifier(schema)}.${pgIdentifier(name)}`;
}

/** A name written as a string constant (a trigger argument; '' means none). */
export const pgNameLiteral = (name: string): string => escapeLiteral(withoutNul(name));

/** Never qualified: a dot is part of the name (the source's tables are all in MYSQL_DATABASE), not a separator. */
export const mysqlIdentifier = (name: string): string => escapeId(usable(name), true);

/** A table's capture trigger for one operation (`ai`, `au`, `ad`): 64 characters at most, as MySQL allows. */
export const mysqlTriggerName = (table: string, suffix: string): string => `trb_${table}`.slice(0, 60) + `_${suffix}`;

/**
 * A name written as a string constant (a JSON key in a trigger body). Backslash-escaped, which is
 * read right only with NO_BACKSLASH_ESCAPES off: see READ_BACKSLASH_ESCAPES.
 */
export const mysqlNameLiteral = (name: string): string => escape(usable(name));

/**
 * mysql2 escapes strings (its own and the `?` placeholders of `query`) with backslashes; under the
 * NO_BACKSLASH_ESCAPES SQL mode a server reads `\'` as a backslash and the end of the string. Run
 * on each new connection, before any query of its own.
 */
export const READ_BACKSLASH_ESCAPES = `SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')`;
