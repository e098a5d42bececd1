import type { CommandGroup } from './command.js';
import { booleanOption, defined, id, integerOption, optionalOption, PAGE_HELP, PAGE_OPTIONS, pageQuery, requiredOption } from './command.js';

/** Tenants, as the platform admin (`TRIBUTARY_ADMIN_KEY`); `tenant show` with a tenant key shows its own. */
export const tenantCommand: CommandGroup = {
  name: 'tenant',
  subcommands: {
    create: {
      usage: 'tenant create --name <name> [--rate-limit <per second>]',
      summary: 'Create a tenant; prints its id and its owner API key (shown once)',
      options: { name: { type: 'string' }, 'rate-limit': { type: 'string' } },
      help: { '--name': 'the tenant\'s display name', '--rate-limit': 'deliveries accepted per second for the whole tenant (default: the platform\'s)' },
      async run(values, context) {
        return context.gateway().post('admin', '/v1/tenants', defined({ name: requiredOption(values, 'name'), rateLimitPerSecond: integerOption(values, 'rate-limit') }));
      },
    },
    list: {
      usage: 'tenant list [--limit <n>] [--after <cursor>]',
      summary: 'List tenants, one page (admin)',
      columns: ['id', 'name', 'enabled', 'rateLimitPerSecond', 'createdAt'],
      options: { ...PAGE_OPTIONS },
      help: { ...PAGE_HELP },
      run: (values, context) => context.gateway().get('admin', `/v1/tenants${pageQuery(values)}`),
    },
    show: {
      usage: 'tenant show [--tenant <tenantId>]',
      summary: 'One tenant (admin), or with TRIBUTARY_API_KEY and no --tenant: the key’s own tenant',
      options: { tenant: { type: 'string' } },
      help: { '--tenant': 'the tenant id (admin key); without it, the tenant of TRIBUTARY_API_KEY' },
      async run(values, context) {
        const tenant = optionalOption(values, 'tenant');
        return tenant ? context.gateway().get('admin', `/v1/tenants/${id(tenant)}`) : context.gateway().get('tenant', '/v1/tenant');
      },
    },
    update: {
      usage: 'tenant update --tenant <tenantId> [--name <name>] [--enabled true|false] [--rate-limit <per second>]',
      summary: 'Rename, disable/enable a tenant, or set its rate limit (admin)',
      options: { tenant: { type: 'string' }, name: { type: 'string' }, enabled: { type: 'string' }, 'rate-limit': { type: 'string' } },
      help: { '--tenant': 'the tenant id', '--name': 'a new display name', '--enabled': 'false: the tenant\'s webhooks and keys are refused until true again', '--rate-limit': 'deliveries accepted per second for the whole tenant' },
      async run(values, context) {
        const body = defined({ name: optionalOption(values, 'name'), enabled: booleanOption(values, 'enabled'), rateLimitPerSecond: integerOption(values, 'rate-limit') });
        return context.gateway().patch('admin', `/v1/tenants/${id(requiredOption(values, 'tenant'))}`, body);
      },
    },
  },
};
