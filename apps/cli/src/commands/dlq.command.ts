import { usageError } from '../cli-error.js';
import type { CommandContext, CommandGroup, OptionValues, Subcommand } from './command.js';
import { integerOption, optionalOption, requiredOption } from './command.js';

const idOf = (values: OptionValues): string => {
  const id = requiredOption(values, 'id');
  if (!/^\d{1,18}$/.test(id)) throw usageError('option_invalid', '--id must be a dead letter id (a number)');
  return encodeURIComponent(id);
};

const text = (values: OptionValues, name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

/** What a bulk redrive or discard answers (POST /v1/dead-letters/redrive|discard). */
interface BulkAnswer {
  dryRun: boolean;
  matched: number;
  done: number;
  remaining: number;
  sample: object[];
}

/** Dead letters taken per call of a bulk command: a progress report after each. */
const BULK_STEP = 100;
const BAR_WIDTH = 30;

/** `redrive [############------------------]  40%  40/100 dead letters` */
export function bulkProgressLine(action: string, done: number, total: number): string {
  const ratio = total === 0 ? 1 : Math.min(done / total, 1);
  const filled = Math.round(ratio * BAR_WIDTH);
  return `${action} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${`${Math.floor(ratio * 100)}%`.padStart(4)}  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} dead letters`;
}

const instantOf = (values: OptionValues, name: 'since' | 'until'): string | undefined => {
  const value = optionalOption(values, name);
  if (value !== undefined && Number.isNaN(Date.parse(value))) throw usageError('option_invalid', `--${name} must be an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z`);
  return value;
};

/**
 * A bulk redrive or discard by filter: a dry run answers the count and a sample; otherwise the worker is called in
 * steps of 100 until nothing is left (or --limit is reached), with a progress line after each step (done / total).
 */
async function bulk(action: 'redrive' | 'discard', values: OptionValues, context: CommandContext): Promise<object> {
  const selection = {
    topic: optionalOption(values, 'topic'),
    group: optionalOption(values, 'group'),
    errorCode: optionalOption(values, 'code'),
    since: instantOf(values, 'since'),
    until: instantOf(values, 'until'),
  };
  if (Object.values(selection).every((v) => v === undefined)) throw usageError('option_invalid', '--id, or at least one of --topic, --group, --code, --since, --until');
  // A fixed end: letters that die again while this runs (a redriven message failing anew) are not taken twice.
  const filter = { ...selection, until: selection.until ?? new Date().toISOString() };
  const path = `/v1/dead-letters/${action}`;
  const dry = await context.worker().post<BulkAnswer>(path, { ...filter, dryRun: true });
  if (values['dry-run'] === true) return dry;
  const limit = integerOption(values, 'limit') ?? Number.POSITIVE_INFINITY;
  const total = Math.min(dry.matched, limit);
  const sample: object[] = [];
  let done = 0;
  let remaining = dry.matched;
  context.progress(bulkProgressLine(action, 0, total), total === 0);
  while (done < limit && remaining > 0) {
    const step = await context.worker().post<BulkAnswer>(path, { ...filter, limit: Math.min(BULK_STEP, limit - done) });
    done += step.done;
    remaining = step.remaining;
    sample.push(...step.sample.slice(0, 10 - sample.length));
    const last = step.done === 0 || remaining === 0 || done >= limit;
    context.progress(bulkProgressLine(action, done, Math.max(total, done)), last);
    if (last) break;
  }
  return { dryRun: false, matched: dry.matched, done, remaining, sample };
}

const BULK_OPTIONS = {
  id: { type: 'string' },
  topic: { type: 'string' },
  group: { type: 'string' },
  code: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'dry-run': { type: 'boolean' },
  limit: { type: 'string' },
} as const;

const bulkHelp = (what: string) => ({
  '--id': `${what} this one dead letter (a number); without it, every dead one the filters match`,
  '--topic': "only this topic's",
  '--group': "only this consumer group's",
  '--code': 'only those given up with this error code',
  '--since': 'only those that died at or after this ISO 8601 instant',
  '--until': 'only those that died before this ISO 8601 instant (default: now, fixed when the command starts)',
  '--dry-run': 'print how many match and a sample, change nothing',
  '--limit': 'at most this many',
});

const bulkSubcommand = (action: 'redrive' | 'discard', summary: string): Subcommand => ({
  usage: `dlq ${action} --id <id> | dlq ${action} [--topic <topic>] [--group <group>] [--code <error>] [--since <instant>] [--until <instant>] [--dry-run] [--limit <n>]`,
  summary,
  options: BULK_OPTIONS,
  help: bulkHelp(action === 'redrive' ? 'Redrive' : 'Discard'),
  run: (values, context) =>
    optionalOption(values, 'id') !== undefined ? context.worker().post(`/v1/dead-letters/${idOf(values)}/${action}`) : bulk(action, values, context),
});

/** `dlq list|show|redrive|discard`: the dead-letter queue, over the worker's admin API. */
export const dlqCommand: CommandGroup = {
  name: 'dlq',
  subcommands: {
    list: {
      usage: 'dlq list [--group <group>] [--topic <topic>] [--status dead|redriven|resolved|discarded] [--after <id>] [--limit <n>]',
      summary: 'List dead letters (default: those still dead), oldest first',
      columns: ['id', 'group', 'topic', 'status', 'errorCode', 'attempts', 'redrives', 'deadAt'],
      options: { group: { type: 'string' }, topic: { type: 'string' }, status: { type: 'string' }, after: { type: 'string' }, limit: { type: 'string' } },
      help: { '--group': 'only this consumer group\'s', '--topic': 'only this topic\'s', '--status': 'dead (default), redriven, resolved or discarded', '--after': 'the last id of the previous page', '--limit': 'how many per page' },
      run: (values, context) =>
        context.worker().get('/v1/dead-letters', {
          group: text(values, 'group'),
          topic: text(values, 'topic'),
          status: text(values, 'status'),
          after: text(values, 'after'),
          limit: text(values, 'limit'),
        }),
    },
    show: {
      usage: 'dlq show --id <id>',
      summary: 'Show one dead letter: its error, attempts and the message as received',
      options: { id: { type: 'string' } },
      help: { '--id': 'the dead letter id (a number)' },
      run: (values, context) => context.worker().get(`/v1/dead-letters/${idOf(values)}`),
    },
    redrive: bulkSubcommand(
      'redrive',
      "Send dead letters back to their consumer groups' retries: one by --id, or every dead one the filters match (progress on stderr; --dry-run counts)",
    ),
    discard: bulkSubcommand('discard', 'Give dead letters up (they stay listed as discarded): one by --id, or every dead one the filters match (--dry-run counts)'),
  },
};
