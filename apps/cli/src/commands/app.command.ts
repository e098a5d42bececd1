import { usageError } from '../cli-error.js';
import type { CommandGroup, OptionValues } from './command.js';
import { booleanOption, defined, id, optionalOption, PAGE_HELP, PAGE_OPTIONS, pageQuery, requiredOption } from './command.js';

function configOption(values: OptionValues): Record<string, unknown> | undefined {
  const text = optionalOption(values, 'config');
  if (text === undefined) return undefined;
  try {
    const config: unknown = JSON.parse(text);
    if (typeof config === 'object' && config !== null && !Array.isArray(config)) return config as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usageError('option_invalid', '--config must be a JSON object');
}

/** Apps of the tenant of `TRIBUTARY_API_KEY`. */
export const appCommand: CommandGroup = {
  name: 'app',
  subcommands: {
    create: {
      usage: "app create --name <name> --vendor <vendor> [--config '<json object>']",
      summary: 'Add an app: one vendor configuration of the tenant',
      options: { name: { type: 'string' }, vendor: { type: 'string' }, config: { type: 'string' } },
      help: { '--name': 'the app\'s display name', '--vendor': 'the vendor it configures (dhl, shopify, …)', '--config': 'the vendor configuration, a JSON object' },
      run: (values, context) =>
        context.gateway().post('tenant', '/v1/apps', defined({ name: requiredOption(values, 'name'), vendor: requiredOption(values, 'vendor'), config: configOption(values) })),
    },
    list: {
      usage: 'app list [--limit <n>] [--after <cursor>]',
      summary: "List the tenant's apps, one page",
      columns: ['id', 'name', 'vendor', 'enabled', 'createdAt'],
      options: { ...PAGE_OPTIONS },
      help: { ...PAGE_HELP },
      run: (values, context) => context.gateway().get('tenant', `/v1/apps${pageQuery(values)}`),
    },
    show: {
      usage: 'app show --app <appId>',
      summary: 'One app',
      options: { app: { type: 'string' } },
      help: { '--app': 'the app id' },
      run: (values, context) => context.gateway().get('tenant', `/v1/apps/${id(requiredOption(values, 'app'))}`),
    },
    update: {
      usage: "app update --app <appId> [--name <name>] [--config '<json object>'] [--enabled true|false]",
      summary: 'Rename, reconfigure, disable or enable an app',
      options: { app: { type: 'string' }, name: { type: 'string' }, config: { type: 'string' }, enabled: { type: 'string' } },
      help: { '--app': 'the app id', '--name': 'a new display name', '--config': 'a new vendor configuration, a JSON object (replaces the old one)', '--enabled': 'true or false' },
      run: (values, context) =>
        context.gateway().patch(
          'tenant',
          `/v1/apps/${id(requiredOption(values, 'app'))}`,
          defined({ name: optionalOption(values, 'name'), config: configOption(values), enabled: booleanOption(values, 'enabled') }),
        ),
    },
  },
};
