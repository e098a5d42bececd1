import { usageError } from '../cli-error.js';
import type { CommandGroup, OptionValues, Subcommand } from './command.js';
import { requiredOption } from './command.js';

const TOKEN = /^stl_[A-Za-z0-9_-]{43}$/;

const tokenOf = (values: OptionValues): string => {
  const token = requiredOption(values, 'token');
  if (!TOKEN.test(token)) throw usageError('option_invalid', '--token must be a settlement token (stl_ and 43 characters)');
  return token;
};

function outputOf(values: OptionValues): Record<string, unknown> | undefined {
  if (values.output === undefined) return undefined;
  try {
    const output: unknown = JSON.parse(String(values.output));
    if (output !== null && typeof output === 'object' && !Array.isArray(output)) return output as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usageError('option_invalid', '--output must be a JSON object');
}

const reasonOf = (values: OptionValues): string | undefined => (typeof values.reason === 'string' ? values.reason : undefined);

const settle = (outcome: 'nack' | 'reject'): Subcommand => ({
  usage: `settle ${outcome} --token <token> [--reason <text>]`,
  summary: outcome === 'nack' ? 'Nack a message left unsettled: delivered again after its backoff' : 'Reject a message left unsettled: dead letter `rejected`, no retry',
  options: { token: { type: 'string' }, reason: { type: 'string' } },
  help: { '--token': 'the settlement token (stl_…) the handler got from settleLater', '--reason': 'why, recorded with the run' },
  run: (values, context) => context.worker().post(`/v1/settlements/${tokenOf(values)}`, { outcome, reason: reasonOf(values) }),
});

/**
 * `settle ack|nack|reject`: settles a message a handler left unsettled (`settleLater`) by its token, over the
 * worker's API (`POST /v1/settlements/{token}`) — for an operator when the external system never called back.
 */
export const settleCommand: CommandGroup = {
  name: 'settle',
  subcommands: {
    ack: {
      usage: "settle ack --token <token> [--output '<json>']",
      summary: "Ack a message left unsettled: done, its output (if given) published to the route's onSuccess targets, once",
      options: { token: { type: 'string' }, output: { type: 'string' } },
      help: { '--token': 'the settlement token (stl_…) the handler got from settleLater', '--output': 'the handler\'s output, a JSON object, published to the route\'s onSuccess targets' },
      run: (values, context) => context.worker().post(`/v1/settlements/${tokenOf(values)}`, { outcome: 'ack', output: outputOf(values) }),
    },
    nack: settle('nack'),
    reject: settle('reject'),
  },
};
