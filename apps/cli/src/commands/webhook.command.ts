import { CliError, usageError } from '../cli-error.js';
import { apiError, isSuccess, post } from '../gateway-client.js';
import { isWebhookSecret, newMessageId, signDelivery } from '../standard-webhooks.js';
import type { CommandGroup, OptionValues } from './command.js';
import { booleanOption, defined, id, integerOption, optionalOption, PAGE_HELP, PAGE_OPTIONS, pageQuery, requiredOption } from './command.js';

const VERIFIERS = ['standard-webhooks', 'bearer', 'github', 'stripe', 'query-token'];

export const webhookCommand: CommandGroup = {
  name: 'webhook',
  subcommands: {
    create: {
      usage:
        'webhook create --topic <topic> (--app <appId> | --tenant <tenantId>) [--verifier <scheme>] [--name <name>] [--rate-limit <per second>] [--secret <value to bring>]',
      summary: "Create a webhook; prints its URL and secret (shown once). --app: in the tenant of TRIBUTARY_API_KEY; --tenant: provisioned by the platform admin",
      options: {
        tenant: { type: 'string' },
        app: { type: 'string' },
        topic: { type: 'string' },
        verifier: { type: 'string' },
        name: { type: 'string' },
        'rate-limit': { type: 'string' },
        secret: { type: 'string' },
      },
      help: { '--topic': 'the topic deliveries are published to', '--app': 'the app it belongs to (TRIBUTARY_API_KEY)', '--tenant': 'provision it for this tenant as the platform admin', '--verifier': `how deliveries are verified: ${VERIFIERS.join(', ')} (default standard-webhooks)`, '--name': 'a display name', '--rate-limit': 'deliveries accepted per second', '--secret': 'bring your own secret instead of a generated one' },
      async run(values, context) {
        const verifier = optionalOption(values, 'verifier');
        if (verifier !== undefined && !VERIFIERS.includes(verifier)) throw usageError('option_invalid', `--verifier must be one of ${VERIFIERS.join(', ')}`);
        const tenant = optionalOption(values, 'tenant');
        const topic = requiredOption(values, 'topic');
        if (tenant) {
          const body = defined({ topic, verifier, name: optionalOption(values, 'name'), appId: optionalOption(values, 'app') });
          return context.gateway().post('admin', `/v1/tenants/${id(tenant)}/webhooks`, body);
        }
        const body = defined({
          appId: requiredOption(values, 'app'),
          topic,
          verifier,
          name: optionalOption(values, 'name'),
          rateLimitPerSecond: integerOption(values, 'rate-limit'),
          secret: optionalOption(values, 'secret'),
        });
        return context.gateway().post('tenant', '/v1/webhooks', body);
      },
    },
    list: {
      usage: 'webhook list [--app <appId>] [--limit <n>] [--after <cursor>]',
      summary: "List the tenant's webhooks, one page",
      columns: ['id', 'name', 'appId', 'topic', 'verifier', 'enabled', 'rateLimitPerSecond', 'url'],
      options: { ...PAGE_OPTIONS, app: { type: 'string' } },
      help: { '--app': 'only the webhooks of this app', ...PAGE_HELP },
      run: (values, context) => context.gateway().get('tenant', `/v1/webhooks${pageQuery(values, { appId: optionalOption(values, 'app') })}`),
    },
    show: {
      usage: 'webhook show --webhook <webhookId>',
      summary: 'One webhook (never its secret)',
      options: { webhook: { type: 'string' } },
      help: { '--webhook': 'the webhook id' },
      run: (values, context) => context.gateway().get('tenant', `/v1/webhooks/${id(requiredOption(values, 'webhook'))}`),
    },
    update: {
      usage: 'webhook update --webhook <webhookId> [--name <name>] [--enabled true|false] [--rate-limit <per second>]',
      summary: 'Rename, disable/enable a webhook, or set its rate limit',
      options: { webhook: { type: 'string' }, name: { type: 'string' }, enabled: { type: 'string' }, 'rate-limit': { type: 'string' } },
      help: { '--webhook': 'the webhook id', '--name': 'a new display name', '--enabled': 'false: deliveries are refused until true again', '--rate-limit': 'deliveries accepted per second' },
      run: (values, context) =>
        context.gateway().patch(
          'tenant',
          `/v1/webhooks/${id(requiredOption(values, 'webhook'))}`,
          defined({ name: optionalOption(values, 'name'), enabled: booleanOption(values, 'enabled'), rateLimitPerSecond: integerOption(values, 'rate-limit') }),
        ),
    },
    send: {
      usage: "webhook send --url <url> --secret <whsec_...> --data '<json>' [--id <webhook-id>]",
      summary: 'Deliver a payload the way a Standard Webhooks sender does; --id repeats an earlier delivery',
      options: { url: { type: 'string' }, secret: { type: 'string' }, data: { type: 'string' }, id: { type: 'string' } },
      help: { '--url': 'the webhook URL (as printed by webhook create)', '--secret': 'its secret, whsec_… (never echoed)', '--data': 'the payload, JSON', '--id': 'the webhook-id header: an earlier delivery\'s, to deliver it again (default: a new msg_ id)' },
      async run(values) {
        const { url, secret, data, id: messageId } = sendOptions(values);
        const delivery = signDelivery(secret, data, messageId);
        const answer = await post(url, delivery.body, delivery.headers);
        if (!isSuccess(answer)) throw withMessageId(apiError(answer), messageId);
        return { status: answer.status, messageId, body: answer.body };
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
