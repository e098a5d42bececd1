import type { CommandGroup } from './command.js';
import { booleanOption, defined, id, jsonObjectOption, requiredOption } from './command.js';

const DEPLOYMENT_HELP = { '--deployment': 'the deployment id (from `deployments list`)' } as const;

/** `deployments integrations|list|show|create|update`: integrations configured for external services, over the worker's API (TRIBUTARY_API_KEY). */
export const deploymentsCommand: CommandGroup = {
  name: 'deployments',
  subcommands: {
    integrations: {
      usage: 'deployments integrations',
      summary: 'The integrations this worker runs, with their methods, topics and onSuccess targets',
      columns: ['name', 'description'],
      options: {},
      run: (_values, context) => context.worker().call('GET', '/v1/integrations'),
    },
    list: {
      usage: 'deployments list',
      summary: "The tenant's deployments (credentials are never shown)",
      columns: ['id', 'integration', 'name', 'enabled', 'hasCredentials', 'allowPrivateNetwork', 'createdAt'],
      options: {},
      run: (_values, context) => context.worker().call('GET', '/v1/deployments'),
    },
    show: {
      usage: 'deployments show --deployment <id>',
      summary: 'One deployment, with its configuration (without its credentials)',
      options: { deployment: { type: 'string' } },
      help: DEPLOYMENT_HELP,
      run: (values, context) => context.worker().call('GET', `/v1/deployments/${id(requiredOption(values, 'deployment'))}`),
    },
    create: {
      usage: "deployments create --integration <name> --name <name> [--config '<json>'] [--credentials '<json>'] [--allow-private-network true|false]",
      summary: 'Deploy an integration for an external service (member): its configuration and credentials (sealed, never returned)',
      options: { integration: { type: 'string' }, name: { type: 'string' }, config: { type: 'string' }, credentials: { type: 'string' }, 'allow-private-network': { type: 'string' } },
      help: {
        '--integration': 'the integration to deploy (see `deployments integrations`), e.g. company-registry',
        '--name': "the deployment's display name",
        '--config': "the integration's configuration, a JSON object",
        '--credentials': 'its credentials, a JSON object (encrypted at rest, never shown again)',
        '--allow-private-network': 'true: it may call private addresses (a local upstream); default false',
      },
      run: (values, context) =>
        context.worker().call(
          'POST',
          '/v1/deployments',
          defined({
            integration: requiredOption(values, 'integration'),
            name: requiredOption(values, 'name'),
            config: jsonObjectOption(values, 'config'),
            credentials: jsonObjectOption(values, 'credentials'),
            allowPrivateNetwork: booleanOption(values, 'allow-private-network'),
          }),
        ),
    },
    update: {
      usage: "deployments update --deployment <id> [--config '<json>'] [--credentials '<json>'] [--allow-private-network true|false] [--enabled true|false]",
      summary: 'Change a deployment (member): only the options given',
      options: { deployment: { type: 'string' }, config: { type: 'string' }, credentials: { type: 'string' }, 'allow-private-network': { type: 'string' }, enabled: { type: 'string' } },
      help: {
        ...DEPLOYMENT_HELP,
        '--config': 'a new configuration, a JSON object (replaces the old one)',
        '--credentials': 'new credentials, a JSON object (replace the old ones, never shown)',
        '--allow-private-network': 'true or false',
        '--enabled': 'false stops its actions from running; true starts them again',
      },
      run: (values, context) =>
        context.worker().call(
          'PATCH',
          `/v1/deployments/${id(requiredOption(values, 'deployment'))}`,
          defined({
            config: jsonObjectOption(values, 'config'),
            credentials: jsonObjectOption(values, 'credentials'),
            allowPrivateNetwork: booleanOption(values, 'allow-private-network'),
            enabled: booleanOption(values, 'enabled'),
          }),
        ),
    },
  },
};
