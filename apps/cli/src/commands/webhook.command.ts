import { CliError, usageError } from '../cli-error.js';
import { apiError, isSuccess, post } from '../gateway-client.js';
import { isWebhookSecret, newMessageId, signDelivery } from '../standard-webhooks.js';
import type { CommandGroup, OptionValues } from './command.js';
import { requiredOption } from './command.js';

export const webhookCommand: CommandGroup = {
  name: 'webhook',
  subcommands: {
    create: {
      usage: 'webhook create --tenant <tenantId> --topic <topic>',
      summary: 'Create a webhook endpoint; prints its URL and signing secret (shown once)',
      options: { tenant: { type: 'string' }, topic: { type: 'string' } },
      async run(values, context) {
        const created = await context.gateway().createWebhook(requiredOption(values, 'tenant'), requiredOption(values, 'topic'));
        const { id, tenantId, topic, url, secret } = created;
        return { id, tenantId, topic, url, secret };
      },
    },
    send: {
      usage: "webhook send --url <url> --secret <whsec_...> --data '<json>' [--id <webhook-id>]",
      summary: 'Deliver a payload the way a Standard Webhooks sender does; --id repeats an earlier delivery',
      options: { url: { type: 'string' }, secret: { type: 'string' }, data: { type: 'string' }, id: { type: 'string' } },
      async run(values) {
        const { url, secret, data, id } = sendOptions(values);
        const delivery = signDelivery(secret, data, id);
        const answer = await post(url, delivery.body, delivery.headers);
        if (!isSuccess(answer)) throw withMessageId(apiError(answer), id);
        return { status: answer.status, messageId: id, body: answer.body };
      },
    },
  },
};

function sendOptions(values: OptionValues): { url: string; secret: string; data: string; id: string } {
  const url = requiredOption(values, 'url');
  const secret = requiredOption(values, 'secret');
  const data = requiredOption(values, 'data');
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) throw usageError('option_invalid', '--url must be an http(s) URL');
  // Never echo the secret back, not even in an error.
  if (!isWebhookSecret(secret)) throw usageError('option_invalid', '--secret must be whsec_ followed by base64');
  try {
    JSON.parse(data);
  } catch {
    throw usageError('option_invalid', '--data must be JSON');
  }
  return { url, secret, data, id: typeof values.id === 'string' && values.id !== '' ? values.id : newMessageId() };
}

const withMessageId = (error: CliError, messageId: string) =>
  new CliError(error.exitCode, error.code, error.message, { ...error.extra, messageId });
