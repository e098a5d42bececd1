import type { CommandGroup, OptionValues } from './command.js';
import { booleanOption, defined, id, optionalOption, PAGE_HELP, PAGE_OPTIONS, pageQuery, requiredOption } from './command.js';

const appIds = (values: OptionValues, required: boolean) => {
  const text = required ? requiredOption(values, 'apps') : optionalOption(values, 'apps');
  return text?.split(',').map((s) => s.trim()).filter(Boolean);
};

/** Integrations of the tenant of `TRIBUTARY_API_KEY`; `integration subscription` is billing, with the admin key. */
export const integrationCommand: CommandGroup = {
  name: 'integration',
  subcommands: {
    create: {
      usage: 'integration create --name <name> --apps <appId,appId…> [--enabled true|false]',
      summary: "Connect some of the tenant's apps as an integration",
      options: { name: { type: 'string' }, apps: { type: 'string' }, enabled: { type: 'string' } },
      help: { '--name': 'the integration\'s display name', '--apps': 'the app ids it connects, comma-separated', '--enabled': 'true (default) or false' },
      run: (values, context) =>
        context.gateway().post('tenant', '/v1/integrations', defined({ name: requiredOption(values, 'name'), appIds: appIds(values, true), enabled: booleanOption(values, 'enabled') })),
    },
    list: {
      usage: 'integration list [--limit <n>] [--after <cursor>]',
      summary: "List the tenant's integrations, one page",
      columns: ['id', 'name', 'appIds', 'enabled', 'subscription'],
      options: { ...PAGE_OPTIONS },
      help: { ...PAGE_HELP },
      run: (values, context) => context.gateway().get('tenant', `/v1/integrations${pageQuery(values)}`),
    },
    show: {
      usage: 'integration show --integration <integrationId>',
      summary: 'One integration with its subscription',
      options: { integration: { type: 'string' } },
      help: { '--integration': 'the integration id' },
      run: (values, context) => context.gateway().get('tenant', `/v1/integrations/${id(requiredOption(values, 'integration'))}`),
    },
    update: {
      usage: 'integration update --integration <integrationId> [--name <name>] [--apps <appId,…>] [--enabled true|false]',
      summary: 'Rename, change the apps of, disable or enable an integration',
      options: { integration: { type: 'string' }, name: { type: 'string' }, apps: { type: 'string' }, enabled: { type: 'string' } },
      help: { '--integration': 'the integration id', '--name': 'a new display name', '--apps': 'the app ids it connects, comma-separated (replaces the list)', '--enabled': 'true or false' },
      run: (values, context) =>
        context.gateway().patch(
          'tenant',
          `/v1/integrations/${id(requiredOption(values, 'integration'))}`,
          defined({ name: optionalOption(values, 'name'), appIds: appIds(values, false), enabled: booleanOption(values, 'enabled') }),
        ),
    },
    subscription: {
      usage: 'integration subscription --tenant <tenantId> --integration <integrationId> --plan <plan> --paid-until <ISO time|none>',
      summary: 'Record what a tenant paid for an integration (admin: billing)',
      options: { tenant: { type: 'string' }, integration: { type: 'string' }, plan: { type: 'string' }, 'paid-until': { type: 'string' } },
      help: { '--tenant': 'the tenant id', '--integration': 'the integration id', '--plan': 'the plan paid for (free text, e.g. pro)', '--paid-until': 'an ISO 8601 time the subscription runs to, or none to end it' },
      async run(values, context) {
        const paidUntil = requiredOption(values, 'paid-until');
        return context
          .gateway()
          .put('admin', `/v1/tenants/${id(requiredOption(values, 'tenant'))}/integrations/${id(requiredOption(values, 'integration'))}/subscription`, {
            plan: requiredOption(values, 'plan'),
            paidUntil: paidUntil === 'none' ? null : paidUntil,
          });
      },
    },
  },
};
