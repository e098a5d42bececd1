import { stringify } from 'yaml';
import { usageError } from './cli-error.js';

/** `-o json|table|yaml`: how a command's answer is printed on stdout. Errors stay JSON on stderr whatever it is. */
export const OUTPUT_FORMATS = ['json', 'table', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function outputFormatOf(value: unknown): OutputFormat {
  if (value === undefined) return 'json';
  if (typeof value === 'string' && (OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw usageError('option_invalid', `-o/--output must be one of ${OUTPUT_FORMATS.join(', ')} (got ${JSON.stringify(String(value))})`);
}

/** The answer as printed: json (indented, the default scripts read), table (columns or key/value rows), or yaml. */
export function formatAnswer(answer: unknown, format: OutputFormat, columns?: readonly string[]): string {
  if (format === 'yaml') return stringify(answer, { lineWidth: 0 });
  if (format === 'table') return table(answer, columns);
  return `${JSON.stringify(answer, null, 2)}\n`;
}

type Row = Record<string, unknown>;
const isRow = (value: unknown): value is Row => value !== null && typeof value === 'object' && !Array.isArray(value);
const MAX_CELL = 60;

/** A value in one cell: scalars as they are, nested values as compact JSON; in a column, cut at 60 characters. */
export function cell(value: unknown, max = Infinity): string {
  if (value === null || value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A list (an array of objects, or an object holding one such array next to scalars, like `{ data, nextCursor }`)
 * prints as aligned columns — `columns` when the command names them and the rows have them, else every key seen —
 * followed by the object's other fields; anything else prints as key/value rows.
 */
function table(answer: unknown, columns?: readonly string[]): string {
  if (Array.isArray(answer) && answer.every(isRow)) return columnsOf(answer, columns);
  if (!isRow(answer)) return `${cell(answer)}\n`;
  const lists = Object.entries(answer).filter(([, v]) => Array.isArray(v) && v.every(isRow));
  if (lists.length === 1) {
    const [listKey, rows] = lists[0] as [string, Row[]];
    const rest = Object.entries(answer).filter(([k]) => k !== listKey);
    return columnsOf(rows, columns) + (rest.length > 0 ? `\n${keyValues(rest)}` : '');
  }
  return keyValues(Object.entries(answer));
}

function columnsOf(rows: readonly Row[], preferred?: readonly string[]): string {
  if (rows.length === 0) return '(none)\n';
  const seen = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const chosen = preferred?.filter((c) => seen.includes(c)) ?? [];
  const keys = chosen.length > 0 ? chosen : seen;
  const lines = [keys.map((k) => k.toUpperCase()), ...rows.map((r) => keys.map((k) => cell(r[k], MAX_CELL)))];
  const widths = keys.map((_, i) => Math.max(...lines.map((l) => (l[i] as string).length)));
  return lines.map((l) => l.map((c, i) => (i === l.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')).join('\n') + '\n';
}

function keyValues(entries: readonly (readonly [string, unknown])[]): string {
  if (entries.length === 0) return '(empty)\n';
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`).join('\n') + '\n';
}
