import type { CommandGroup } from './command.js';
import { defined, id, integerOption, optionalOption, requiredOption } from './command.js';

/** A webhook's secrets, in the tenant of `TRIBUTARY_API_KEY`. */
export const secretCommand: CommandGroup = {
  name: 'secret',
  subcommands: {
    rotate: {
      usage: 'secret rotate --webhook <webhookId> [--overlap <seconds>] [--secret <value to bring>]',
      summary: 'A new secret (shown once), active at once; the current ones stay valid for --overlap seconds (default 86400)',
      options: { webhook: { type: 'string' }, overlap: { type: 'string' }, secret: { type: 'string' } },
      help: { '--webhook': 'the webhook id', '--overlap': 'seconds the current secrets stay valid (default 86400)', '--secret': 'bring this secret (whsec_…) instead of a generated one' },
      run: (values, context) =>
        context
          .gateway()
          .post('tenant', `/v1/webhooks/${id(requiredOption(values, 'webhook'))}/secrets`, defined({ overlapSeconds: integerOption(values, 'overlap', 0), secret: optionalOption(values, 'secret') })),
    },
    list: {
      usage: 'secret list --webhook <webhookId>',
      summary: "A webhook's secrets: ids, expiry, whether active (never their values)",
      columns: ['id', 'active', 'createdAt', 'expiresAt'],
      options: { webhook: { type: 'string' } },
      help: { '--webhook': 'the webhook id' },
      run: (values, context) => context.gateway().get('tenant', `/v1/webhooks/${id(requiredOption(values, 'webhook'))}/secrets`),
    },
    expire: {
      usage: 'secret expire --webhook <webhookId> --secret-id <secretId>',
      summary: 'End one secret now (e.g. a leaked one); the last active one cannot be ended',
      options: { webhook: { type: 'string' }, 'secret-id': { type: 'string' } },
      help: { '--webhook': 'the webhook id', '--secret-id': 'the secret to end (its id from secret list)' },
      run: (values, context) =>
        context.gateway().delete('tenant', `/v1/webhooks/${id(requiredOption(values, 'webhook'))}/secrets/${id(requiredOption(values, 'secret-id'))}`),
    },
  },
};
