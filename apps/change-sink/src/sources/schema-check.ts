import type { ChangeSinkConfig } from '../change-sink.config.js';
import { tableKey } from '../table-routing.js';
import type { ChangeSource } from './change-source.js';

/**
 * What the configuration names must exist: an unknown table or column in TABLE_NAMES, the
 * routing, FILTERS, AUTH_TABLE or TENANT_COLUMN is a start-up error, never a rule that silently
 * matches nothing (or everything). Platform tables that do not exist yet are checked when captured.
 */
export async function checkOperatorSchema(config: ChangeSinkConfig, source: ChangeSource): Promise<void> {
  const problems: string[] = [];
  const columns = new Map<string, Set<string> | null>();
  const columnsOf = async (table: string) => {
    if (!columns.has(table)) columns.set(table, await source.columnsOf(table));
    return columns.get(table)!;
  };
  const platform = new Set(config.captureTables.map(tableKey));
  const requireColumns = async (variable: string, table: string, wanted: readonly string[]) => {
    const present = await columnsOf(table);
    if (!present) {
      if (!platform.has(table)) problems.push(`${variable}: table "${table}" does not exist in the ${source.kind} database`);
      return;
    }
    for (const column of wanted) {
      if (!present.has(column)) problems.push(`${variable}: table "${table}" has no column "${column}"`);
    }
  };

  for (const table of config.tableNames) {
    await requireColumns('TABLE_NAMES', table, config.TENANT_COLUMN ? [config.TENANT_COLUMN] : []);
  }
  for (const [table, rule] of config.routing) {
    if (rule !== '*') await requireColumns('TABLE_AUTH_COLUMN_ROUTING', table, rule);
  }
  for (const [table, filtered] of config.filters) await requireColumns('FILTERS', table, [...filtered]);
  if (config.AUTH_TABLE && config.AUTH_COLUMN) {
    const wanted = [config.AUTH_COLUMN, config.AUTH_ID_COLUMN, ...(config.TENANT_COLUMN ? [config.TENANT_COLUMN] : [])];
    await requireColumns('AUTH_TABLE', tableKey(config.AUTH_TABLE), wanted);
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
