import { usageError } from '../cli-error.js';
import type { CommandGroup, OptionValues } from './command.js';
import { requiredOption } from './command.js';

const idOf = (values: OptionValues): string => {
  const id = requiredOption(values, 'id');
  if (!/^\d{1,18}$/.test(id)) throw usageError('option_invalid', '--id must be a dead letter id (a number)');
  return encodeURIComponent(id);
};

const text = (values: OptionValues, name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

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
    redrive: {
      usage: 'dlq redrive --id <id>',
      summary: "Send a dead letter back to its consumer group's retries",
      options: { id: { type: 'string' } },
      help: { '--id': 'the dead letter id (a number)' },
      run: (values, context) => context.worker().post(`/v1/dead-letters/${idOf(values)}/redrive`),
    },
    discard: {
      usage: 'dlq discard --id <id>',
      summary: 'Give a dead letter up (it stays listed as discarded)',
      options: { id: { type: 'string' } },
      help: { '--id': 'the dead letter id (a number)' },
      run: (values, context) => context.worker().post(`/v1/dead-letters/${idOf(values)}/discard`),
    },
  },
};
