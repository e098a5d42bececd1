import type { CommandGroup, OptionValues, Subcommand } from './command.js';
import { booleanOption, defined, id, integerOption, jsonObjectOption, optionalOption, requiredOption } from './command.js';

const SCHEDULE_HELP = { '--schedule': 'the schedule id (from `schedules list`)' } as const;

const settings = (values: OptionValues) => ({
  cron: optionalOption(values, 'cron'),
  timeZone: optionalOption(values, 'time-zone'),
  input: jsonObjectOption(values, 'input'),
  timeoutMs: integerOption(values, 'timeout-ms'),
  enabled: booleanOption(values, 'enabled'),
});

const SETTING_OPTIONS = { cron: { type: 'string' }, 'time-zone': { type: 'string' }, input: { type: 'string' }, 'timeout-ms': { type: 'string' }, enabled: { type: 'string' } } as const;

const SETTING_HELP = {
  '--cron': 'a cron expression: 5 fields, or 6 with seconds first (e.g. "0 9 * * 1-5")',
  '--time-zone': 'the IANA time zone it is read in (default UTC), e.g. Europe/Berlin',
  '--input': "the method's input for each firing, a JSON object",
  '--timeout-ms': 'the run lock: a tick is skipped while the previous run holds it, at most this long (default 300000)',
  '--enabled': 'true or false (a paused schedule does not fire)',
} as const;

/** `schedules pause|resume`: PATCH enabled. */
const toggle = (enabled: boolean): Subcommand => ({
  usage: `schedules ${enabled ? 'resume' : 'pause'} --schedule <id>`,
  summary: enabled ? 'Resume a paused schedule (member)' : 'Pause a schedule: it stops firing until resumed (member)',
  options: { schedule: { type: 'string' } },
  help: SCHEDULE_HELP,
  run: (values, context) => context.worker().call('PATCH', `/v1/schedules/${id(requiredOption(values, 'schedule'))}`, { enabled }),
});

/** `schedules list|create|update|pause|resume`: actions run on a cron schedule, over the worker's API (TRIBUTARY_API_KEY). */
export const schedulesCommand: CommandGroup = {
  name: 'schedules',
  subcommands: {
    list: {
      usage: 'schedules list',
      summary: "The tenant's schedules",
      columns: ['id', 'actionId', 'cron', 'timeZone', 'enabled', 'running', 'nextFireAt', 'lastFiredAt'],
      options: {},
      run: (_values, context) => context.worker().call('GET', '/v1/schedules'),
    },
    create: {
      usage: "schedules create --action <actionId> --cron '<expression>' [--time-zone <zone>] [--input '<json>'] [--timeout-ms <n>] [--enabled true|false]",
      summary: 'Run an action on a cron schedule in a time zone (member); one firing per tick across all worker replicas',
      options: { action: { type: 'string' }, ...SETTING_OPTIONS },
      help: { '--action': 'the action to run (a UUID, from `actions runs` or the deployment)', ...SETTING_HELP },
      run: (values, context) =>
        context.worker().call('POST', `/v1/actions/${id(requiredOption(values, 'action'))}/schedules`, defined({ ...settings(values), cron: requiredOption(values, 'cron') })),
    },
    update: {
      usage: "schedules update --schedule <id> [--cron '<expression>'] [--time-zone <zone>] [--input '<json>'] [--timeout-ms <n>] [--enabled true|false]",
      summary: 'Change a schedule (member): only the options given; the schedulers pick it up without a restart',
      options: { schedule: { type: 'string' }, ...SETTING_OPTIONS },
      help: { ...SCHEDULE_HELP, ...SETTING_HELP },
      run: (values, context) => context.worker().call('PATCH', `/v1/schedules/${id(requiredOption(values, 'schedule'))}`, defined(settings(values))),
    },
    pause: toggle(false),
    resume: toggle(true),
  },
};
