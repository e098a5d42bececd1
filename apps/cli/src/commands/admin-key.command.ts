import { generateApiKey } from '@tributary/tenancy';
import type { CommandGroup } from './command.js';

/** `admin-key generate`: a key for `TRIBUTARY_ADMIN_KEY` in a deployment (the gateway registers it at start). */
export const adminKeyCommand: CommandGroup = {
  name: 'admin-key',
  subcommands: {
    generate: {
      usage: 'admin-key generate',
      summary: 'Generate a platform admin key to set as TRIBUTARY_ADMIN_KEY on the gateway (nothing is sent anywhere)',
      options: {},
      run: async () => ({ key: generateApiKey() }),
    },
  },
};
