import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { provisionRegistryTopics } from '@tributary/messaging';
import { listenApp } from '@tributary/edge';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { createGatewayApp, ensureAdminKey } from './gateway.app.js';
import { loadGatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';

const config = loadGatewayConfig(process.env);
await runAppCommand('gateway', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('gateway'));
    const app = await createGatewayApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    if (config.TRIBUTARY_ADMIN_KEY) await ensureAdminKey(app, config.TRIBUTARY_ADMIN_KEY);
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => ({ applied: await migrateDatabase(DatabaseModule.optionsOf(GatewayModule.forRoot(config))) }),
  'kafka-topics': () => provisionRegistryTopics(config.transport),
});
