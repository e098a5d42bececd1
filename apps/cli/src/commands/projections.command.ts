import { CliError, EXIT_FAILED } from '../cli-error.js';
import type { ProjectionStatus } from '../event-store-client.js';
import type { CommandGroup, OptionValues } from './command.js';

const BAR_WIDTH = 30;

/** `package_status [############------------------]  40%  4,000/10,000 events` */
export function progressLine(status: ProjectionStatus): string {
  const rebuild = status.rebuild;
  const processed = rebuild?.processed ?? 0;
  const total = Math.max(rebuild?.total ?? 0, processed);
  const ratio = total === 0 ? 1 : processed / total;
  const filled = Math.round(ratio * BAR_WIDTH);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${status.name} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}  ${processed.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events`;
}

const nameOf = (values: OptionValues) => values.name as string;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `projections list | status <name> | rebuild <name>`: the event store's projections, for operators. */
export const projectionsCommand: CommandGroup = {
  name: 'projections',
  subcommands: {
    list: {
      usage: 'projections list',
      summary: "Every projection: version, state (live, rebuilding, stale), lag and latest rebuild",
      columns: ['name', 'version', 'liveVersion', 'state', 'lag', 'rebuild'],
      options: {},
      run: async (_, context) => ({ projections: await context.eventStore().projections() }),
    },
    status: {
      usage: 'projections status <name>',
      summary: "One projection's status, with its rebuild's progress",
      options: {},
      help: { '<name>': 'the projection (as in projections list)' },
      positionals: ['name'],
      run: (values, context) => context.eventStore().projection(nameOf(values)),
    },
    rebuild: {
      usage: 'projections rebuild <name> [--restart] [--detach]',
      summary:
        'Rebuild a projection from the log into shadow tables and swap them in, showing progress; an unfinished rebuild is continued (--restart starts over, --detach returns at once)',
      options: { restart: { type: 'boolean' }, detach: { type: 'boolean' } },
      help: { '<name>': 'the projection (as in projections list)', '--restart': 'start over instead of continuing an unfinished rebuild', '--detach': 'return at once with the rebuild\'s status instead of showing its progress' },
      positionals: ['name'],
      async run(values, context) {
        const client = context.eventStore();
        const name = nameOf(values);
        let status = await client.rebuild(name, values.restart === true);
        if (values.detach === true) return status;
        for (;;) {
          const outcome = status.rebuild?.status;
          context.progress(progressLine(status), outcome !== 'building');
          if (outcome === 'done') return status;
          if (outcome === 'failed' || outcome === undefined) {
            throw new CliError(EXIT_FAILED, 'rebuild_failed', `The rebuild of ${name} failed: ${status.rebuild?.error ?? 'no rebuild recorded'}; run the command again to continue it`);
          }
          await sleep(context.pollIntervalMs);
          status = await client.projection(name);
        }
      },
    },
  },
};
