import { usageError } from '../cli-error.js';
import type { CommandGroup, OptionValues } from './command.js';
import { id, integerOption, jsonObjectOption, optionalOption, pageQuery, PAGE_OPTIONS, requiredOption } from './command.js';

const streamId = (values: OptionValues) => id(requiredOption(values, 'stream'));

const STREAM_HELP = { '--stream': 'the stream id, e.g. package-JJD000390007' } as const;
const EVENT_COLUMNS = ['streamVersion', 'eventId', 'type', 'occurredAt', 'recordedAt', 'cursor'];

/** `--expected-version any|no-stream|stream-exists|<n>`: a keyword as it is, a version as a number. */
function expectedVersionOf(values: OptionValues): string | number | undefined {
  const value = optionalOption(values, 'expected-version');
  if (value === undefined || !/^\d+$/.test(value)) return value;
  return Number(value);
}

/** An instant option of the $all read (the API judges the exact form; a value that is no date at all is a usage error). */
function instantOf(values: OptionValues, name: 'from' | 'to'): string | undefined {
  const value = optionalOption(values, name);
  if (value !== undefined && Number.isNaN(Date.parse(value))) throw usageError('option_invalid', `--${name} must be an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z`);
  return value;
}

/** `streams list|show|read|append`: the tenant's streams in the event store's log (TRIBUTARY_API_KEY). */
export const streamsCommand: CommandGroup = {
  name: 'streams',
  subcommands: {
    list: {
      usage: 'streams list [--prefix <text>] [--limit <n>] [--after <streamId>]',
      summary: "The tenant's streams, in id order: { streams, next }",
      columns: ['streamId', 'version', 'createdAt', 'updatedAt'],
      options: { prefix: { type: 'string' }, ...PAGE_OPTIONS },
      help: { '--prefix': 'only streams whose id starts with this', '--limit': 'streams per page (1-1000, default 100)', '--after': "the previous page's next" },
      run: (values, context) => context.eventStore().tenant('GET', `/v1/streams${pageQuery(values, { prefix: optionalOption(values, 'prefix') })}`),
    },
    show: {
      usage: 'streams show --stream <id>',
      summary: 'One stream: its version (number of events) and times',
      options: { stream: { type: 'string' } },
      help: STREAM_HELP,
      run: (values, context) => context.eventStore().tenant('GET', `/v1/streams/${streamId(values)}`),
    },
    read: {
      usage: 'streams read --stream <id> [--from <version>] [--backward] [--limit <n>]',
      summary: "A stream's events by version: { streamId, version, events, next }",
      columns: EVENT_COLUMNS,
      options: { stream: { type: 'string' }, from: { type: 'string' }, backward: { type: 'boolean' }, limit: { type: 'string' } },
      help: {
        ...STREAM_HELP,
        '--from': 'the first version read (default: the first, or with --backward the last); the previous page\'s next',
        '--backward': 'newest first',
        '--limit': 'events per page (1-1000, default 100)',
      },
      run(values, context) {
        const params = new URLSearchParams();
        const from = integerOption(values, 'from', 0);
        if (from !== undefined) params.set('from', String(from));
        if (values.backward === true) params.set('direction', 'backward');
        const limit = integerOption(values, 'limit');
        if (limit !== undefined) params.set('limit', String(limit));
        return context.eventStore().tenant('GET', `/v1/streams/${streamId(values)}/events${params.size > 0 ? `?${params}` : ''}`);
      },
    },
    append: {
      usage: "streams append --stream <id> --type <topic> --data '<json>' [--metadata '<json>'] [--event-id <id>] [--expected-version any|no-stream|stream-exists|<n>]",
      summary: 'Append one event to a stream (member), with an expected version: { streamId, streamVersion, appended, events }',
      options: { stream: { type: 'string' }, type: { type: 'string' }, data: { type: 'string' }, metadata: { type: 'string' }, 'event-id': { type: 'string' }, 'expected-version': { type: 'string' } },
      help: {
        ...STREAM_HELP,
        '--type': "the event's type: a topic name (its payload is checked against the topic's schema)",
        '--data': 'the payload, a JSON object',
        '--metadata': 'metadata of your own, a JSON object',
        '--event-id': 'the event id (default: a new one); appending the same id again is a no-op',
        '--expected-version': 'any (default), no-stream, stream-exists or the exact current version; a mismatch fails with wrong_expected_version',
      },
      run(values, context) {
        const data = jsonObjectOption(values, 'data');
        if (data === undefined) throw usageError('option_missing', '--data is required');
        const event = { eventId: optionalOption(values, 'event-id'), type: requiredOption(values, 'type'), data, metadata: jsonObjectOption(values, 'metadata') };
        const expectedVersion = expectedVersionOf(values);
        return context.eventStore().tenant('POST', `/v1/streams/${streamId(values)}/events`, {
          ...(expectedVersion === undefined ? {} : { expectedVersion }),
          events: [Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined))],
        });
      },
    },
  },
};

/** `events list|show`: the tenant's `$all` in the event store's log, in commit order (TRIBUTARY_API_KEY). */
export const eventsCommand: CommandGroup = {
  name: 'events',
  subcommands: {
    list: {
      usage: 'events list [--type <topic,…>] [--from <instant>] [--to <instant>] [--limit <n>] [--after <cursor>]',
      summary: "The tenant's events in commit order ($all): { events, cursor } — read on with --after <cursor>",
      columns: ['cursor', 'streamId', 'streamVersion', 'type', 'eventId', 'occurredAt'],
      options: { type: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, ...PAGE_OPTIONS },
      help: {
        '--type': 'only events of these types (topic names, comma-separated)',
        '--from': 'only events that occurred at or after this ISO 8601 instant',
        '--to': 'only events that occurred before this ISO 8601 instant',
        '--limit': 'events per page (1-1000, default 100)',
        '--after': "the previous page's cursor (or an event's): the events committed after it",
      },
      run(values, context) {
        const params = new URLSearchParams(pageQuery(values, { from: instantOf(values, 'from'), to: instantOf(values, 'to') }).slice(1));
        for (const type of (optionalOption(values, 'type') ?? '').split(',').map((t) => t.trim()).filter(Boolean)) params.append('type', type);
        return context.eventStore().tenant('GET', `/v1/events${params.size > 0 ? `?${params}` : ''}`);
      },
    },
    show: {
      usage: 'events show --event <eventId>',
      summary: 'One event: its stream, version, type, payload and metadata',
      options: { event: { type: 'string' } },
      help: { '--event': 'the event id' },
      run: (values, context) => context.eventStore().tenant('GET', `/v1/events/${id(requiredOption(values, 'event'))}`),
    },
  },
};

