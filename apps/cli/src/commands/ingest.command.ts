import { readFile } from 'node:fs/promises';
import { usageError } from '../cli-error.js';
import type { CommandContext, CommandGroup, OptionValues } from './command.js';
import { optionalOption, pageQuery, PAGE_OPTIONS } from './command.js';

const APPS = ['gateway', 'worker'] as const;

/** `--since`: an instant (the API judges the exact form; a value that is no date at all is a usage error). */
function sinceOf(values: OptionValues): string | undefined {
  const since = optionalOption(values, 'since');
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw usageError('option_invalid', '--since must be an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z');
  return since;
}

function appOf(values: OptionValues): (typeof APPS)[number] {
  const app = optionalOption(values, 'app') ?? 'gateway';
  if (!(APPS as readonly string[]).includes(app)) throw usageError('option_invalid', '--app must be gateway or worker');
  return app as (typeof APPS)[number];
}

/** The document to push: a file's content, or standard input for `-`, as a JSON object. */
async function documentOf(source: string, context: CommandContext): Promise<object> {
  let text: string;
  try {
    text = source === '-' ? await context.readStdin() : await readFile(source, 'utf8');
  } catch (error) {
    throw usageError('option_invalid', `Cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const document: unknown = JSON.parse(text);
    if (document !== null && typeof document === 'object' && !Array.isArray(document)) return document;
  } catch {
    // reported below
  }
  throw usageError('option_invalid', `${source === '-' ? 'Standard input' : source} is not a JSON object ({ "topic", "extId", "data", "validFrom"?, "validUntil"? })`);
}

/** `ingest list|push`: a tenant's ingest log (the gateway's, or the worker's upstream answers) and pushed documents. */
export const ingestCommand: CommandGroup = {
  name: 'ingest',
  subcommands: {
    list: {
      usage: 'ingest list [--ext-id <id>] [--since <instant>] [--app gateway|worker] [--limit <n>] [--after <cursor>]',
      summary: "The tenant's ingest log, oldest first (TRIBUTARY_API_KEY): { data, nextCursor }",
      columns: ['id', 'receivedAt', 'actor', 'extId', 'topic', 'answer', 'bodySize'],
      options: { 'ext-id': { type: 'string' }, since: { type: 'string' }, app: { type: 'string' }, ...PAGE_OPTIONS },
      help: {
        '--ext-id': "only entries with this external id (a delivery's webhook-id, a pushed document's extId; worker: the URL fetched)",
        '--since': 'only entries received at or after this ISO 8601 instant',
        '--app': "gateway (default): deliveries answered and documents pushed; worker: upstream answers to data actions",
        '--limit': 'entries per page (1-100, default 50)',
        '--after': "the previous page's nextCursor",
      },
      run(values, context) {
        const app = appOf(values);
        const query = pageQuery(values, { extId: optionalOption(values, 'ext-id'), since: sinceOf(values) });
        if (app === 'worker') return context.worker().get(`/v1/ingest${query}`, {}, 'tenant');
        return context.gateway().get('tenant', `/v1/ingest${query}`);
      },
    },
    push: {
      usage: 'ingest push <file|->',
      summary: 'Push a document (POST /v1/ingest, a member key in TRIBUTARY_API_KEY): published to its topic and logged; the same document again answers the original entry',
      options: {},
      positionals: ['file'],
      help: {
        '<file|->': 'a JSON file, or - for standard input: { "topic", "extId", "data", "validFrom"?, "validUntil"? }',
      },
      async run(values, context) {
        return context.gateway().post('tenant', '/v1/ingest', await documentOf(String(values.file), context));
      },
    },
  },
};
