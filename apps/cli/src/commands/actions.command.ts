import { isUuid } from '@tributary/domain';
import { usageError } from '../cli-error.js';
import type { CommandGroup, OptionValues } from './command.js';
import { requiredOption } from './command.js';

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

/** `actions run|runs`: run an action by hand and read its run records, over the worker's admin API. */
export const actionsCommand: CommandGroup = {
  name: 'actions',
  subcommands: {
    run: {
      usage: "actions run --id <actionId> [--input '<json>'] [--wait]",
      summary: 'Run an action by hand (same handler, retries and run history as by topic); --wait prints the finished run',
      options: { id: { type: 'string' }, input: { type: 'string' }, wait: { type: 'boolean' } },
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
      options: { id: { type: 'string' }, state: { type: 'string' }, limit: { type: 'string' } },
      run: (values, context) =>
        context.worker().get('/v1/runs', {
          actionId: values.id === undefined ? undefined : actionId(values),
          state: typeof values.state === 'string' ? values.state : undefined,
          limit: typeof values.limit === 'string' ? values.limit : undefined,
        }),
    },
  },
};
