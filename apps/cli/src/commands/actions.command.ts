import { isUuid } from '@tributary/domain';
import { CliError, EXIT_FAILED, usageError } from '../cli-error.js';
import { apiError, isSuccess } from '../gateway-client.js';
import type { CommandGroup, OptionValues } from './command.js';
import { integerOption, requiredOption } from './command.js';

const actionId = (values: OptionValues): string => {
  const id = requiredOption(values, 'id');
  if (!isUuid(id)) throw usageError('option_invalid', '--id must be an action id (a UUID)');
  return id;
};

function inputOf(values: OptionValues): Record<string, unknown> {
  if (values.input === undefined) return {};
  try {
    const input: unknown = JSON.parse(String(values.input));
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usageError('option_invalid', '--input must be a JSON object');
}

interface Run {
  readonly id: string;
  readonly state: string;
}

/** `actions run|runs|data`: run an action by hand, read its run records, read a data action's document, over the worker's API. */
export const actionsCommand: CommandGroup = {
  name: 'actions',
  subcommands: {
    run: {
      usage: "actions run --id <actionId> [--input '<json>'] [--wait]",
      summary: 'Run an action by hand (same handler, retries and run history as by topic); --wait prints the finished run',
      options: { id: { type: 'string' }, input: { type: 'string' }, wait: { type: 'boolean' } },
      help: { '--id': 'the action id (a UUID)', '--input': 'the run\'s input, a JSON object (default {})', '--wait': 'wait (up to 60 s) and print the finished run instead of its ids' },
      async run(values, context) {
        const worker = context.worker();
        const requested = await worker.post<{ runId: string; messageId: string }>(`/v1/actions/${actionId(values)}/runs`, { input: inputOf(values) });
        if (values.wait !== true) return requested;
        const deadline = Date.now() + 60_000;
        for (;;) {
          const run = await worker.get<Run>(`/v1/runs/${requested.runId}`);
          if (run.state !== 'init' || Date.now() > deadline) return run;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
    },
    runs: {
      usage: 'actions runs [--id <actionId>] [--state init|ok|fail|skip] [--limit <n>]',
      summary: 'List run records, newest first',
      columns: ['id', 'integration', 'method', 'trigger', 'state', 'attempt', 'startedAt', 'durationMs', 'errorCode'],
      options: { id: { type: 'string' }, state: { type: 'string' }, limit: { type: 'string' } },
      help: { '--id': 'only this action\'s runs (a UUID)', '--state': 'only runs in this state: init, ok, fail or skip', '--limit': 'how many' },
      run: (values, context) =>
        context.worker().get('/v1/runs', {
          actionId: values.id === undefined ? undefined : actionId(values),
          state: typeof values.state === 'string' ? values.state : undefined,
          limit: typeof values.limit === 'string' ? values.limit : undefined,
        }),
    },
    data: {
      usage: 'actions data <actionId> [--max-age <seconds>]',
      summary:
        "A data action's document (TRIBUTARY_API_KEY): { status: 200 (fresh) or 203 (from the cache, upstreamError says why), data, ageSeconds, … }; 502 upstream_stale fails with the expired document and its age",
      options: { 'max-age': { type: 'string' } },
      positionals: ['actionId'],
      help: {
        '<actionId>': 'the data action (a UUID)',
        '--max-age': 'the oldest cached document (seconds) taken as fresh; older, the upstream is asked (default 0: always)',
      },
      async run(values, context) {
        const id = String(values.actionId);
        if (!isUuid(id)) throw usageError('option_invalid', '<actionId> must be an action id (a UUID)');
        const maxAge = integerOption(values, 'max-age', 0);
        const answer = await context.worker().getAnswer(`/v1/actions/${id}/data`, { maxAge: maxAge === undefined ? undefined : String(maxAge) }, 'tenant');
        if (isSuccess(answer)) return { status: answer.status, ...(answer.body as object) };
        const body = answer.body as { error?: { code?: string; message?: string }; traceId?: string; data?: unknown; ageSeconds?: unknown };
        if (answer.status === 502 && body.error?.code === 'upstream_stale') {
          throw new CliError(EXIT_FAILED, 'upstream_stale', body.error.message ?? 'The upstream failed and the cache has expired', {
            status: 502,
            traceId: body.traceId,
            ageSeconds: body.ageSeconds ?? null,
            data: body.data ?? null,
          });
        }
        throw apiError(answer);
      },
    },
  },
};
