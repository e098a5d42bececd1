// esink's routing grammar: how the configuration names tables and columns, and TABLE_AUTH_COLUMN_ROUTING's rules.

/** A table or column name as esink's variables write it. */
export const NAME = '[A-Za-z_][A-Za-z0-9_$]*';
/** `table` or `schema.table`. */
export const TABLE = `${NAME}(\\.${NAME})?`;
export const IDENTIFIER = new RegExp(`^${NAME}$`);
const TABLE_NAME = new RegExp(`^${TABLE}$`);

/** A table's routing rule: `*` (everyone in the tenant) or the columns compared with the user's id. */
export type RoutingRule = '*' | readonly string[];

/** How a table is named in events and rules: `users` for `public.users`, `schema.table` otherwise. */
export const tableKey = (name: string): string => (name.startsWith('public.') ? name.slice('public.'.length) : name);

/** `TABLE_AUTH_COLUMN_ROUTING`: JSON `{ "table": "column" | ["column", …] | "*" }`, keyed by `tableKey`. */
export function parseRouting(text: string | undefined): Map<string, RoutingRule> {
  const routing = new Map<string, RoutingRule>();
  if (!text) return routing;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('TABLE_AUTH_COLUMN_ROUTING must be JSON: {"table": "column" | ["column", …] | "*"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('TABLE_AUTH_COLUMN_ROUTING must be a JSON object: {"table": "column" | ["column", …] | "*"}');
  }
  for (const [table, rule] of Object.entries(parsed)) {
    if (!TABLE_NAME.test(table)) throw new Error(`TABLE_AUTH_COLUMN_ROUTING: "${table}" is not a table name`);
    routing.set(tableKey(table), ruleOf(table, rule));
  }
  return routing;
}

function ruleOf(table: string, rule: unknown): RoutingRule {
  if (rule === '*') return '*';
  const columns: unknown = typeof rule === 'string' ? [rule] : rule;
  if (Array.isArray(columns) && columns.length > 0 && columns.every((c) => typeof c === 'string' && IDENTIFIER.test(c))) return columns as string[];
  throw new Error(`TABLE_AUTH_COLUMN_ROUTING: the rule of "${table}" must be "*", a column name or a non-empty list of column names`);
}
