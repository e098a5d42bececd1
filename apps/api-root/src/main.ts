import 'reflect-metadata';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { createApiRootApp } from './api-root.app.js';
import { loadApiRootConfig } from './api-root.config.js';

const config = loadApiRootConfig(process.env);
// Only `serve`: the root has no database to migrate and no topics.
await runAppCommand('api-root', process.argv.slice(2), {
  async serve() {
    const app = await createApiRootApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS);
    await app.listen(config.PORT, '0.0.0.0');
  },
});
