import { usageError } from '../cli-error.js';
import type { CommandGroup } from './command.js';
import { defined, id, optionalOption, PAGE_HELP, PAGE_OPTIONS, pageQuery, requiredOption } from './command.js';

const ROLES = ['owner', 'member', 'read_only'];

/** API keys of the tenant of `TRIBUTARY_API_KEY` (owner); `--tenant` issues one as the platform admin. */
export const apikeyCommand: CommandGroup = {
  name: 'apikey',
  subcommands: {
    create: {
      usage: 'apikey create --name <name> (--role owner|member|read_only | --user <userId>) [--tenant <tenantId>]',
      summary: 'Issue an API key (shown once); with --tenant, as the platform admin for that tenant',
      options: { name: { type: 'string' }, role: { type: 'string' }, user: { type: 'string' }, tenant: { type: 'string' } },
      help: { '--name': 'the key\'s display name', '--role': 'owner, member or read_only', '--user': 'issue it for this user (their role)', '--tenant': 'issue it for this tenant as the platform admin (--role required)' },
      async run(values, context) {
        const role = optionalOption(values, 'role');
        if (role !== undefined && !ROLES.includes(role)) throw usageError('option_invalid', '--role must be owner, member or read_only');
        const tenant = optionalOption(values, 'tenant');
        const name = requiredOption(values, 'name');
        if (tenant) return context.gateway().post('admin', `/v1/tenants/${id(tenant)}/api-keys`, { name, role: role ?? requiredOption(values, 'role') });
        return context.gateway().post('tenant', '/v1/api-keys', defined({ name, role, userId: optionalOption(values, 'user') }));
      },
    },
    list: {
      usage: 'apikey list [--limit <n>] [--after <cursor>]',
      summary: "List the tenant's API keys (never their secrets)",
      columns: ['id', 'name', 'role', 'prefix', 'userId', 'createdAt', 'revokedAt'],
      options: { ...PAGE_OPTIONS },
      help: { ...PAGE_HELP },
      run: (values, context) => context.gateway().get('tenant', `/v1/api-keys${pageQuery(values)}`),
    },
    revoke: {
      usage: 'apikey revoke --key-id <keyId>',
      summary: 'Revoke an API key at once',
      options: { 'key-id': { type: 'string' } },
      help: { '--key-id': 'the key\'s id (from apikey list), never the key itself' },
      run: (values, context) => context.gateway().delete('tenant', `/v1/api-keys/${id(requiredOption(values, 'key-id'))}`),
    },
  },
};
