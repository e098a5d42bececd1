import type { CommandGroup } from './command.js';
import { requiredOption } from './command.js';

export const tenantCommand: CommandGroup = {
  name: 'tenant',
  subcommands: {
    create: {
      usage: 'tenant create --name <name>',
      summary: 'Create a tenant; prints its id and its owner API key (shown once)',
      options: { name: { type: 'string' } },
      async run(values, context) {
        const { id, name, apiKey } = await context.gateway().createTenant(requiredOption(values, 'name'));
        return { id, name, apiKey };
      },
    },
  },
};
