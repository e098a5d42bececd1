import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { provisionRegistryTopics } from '@tributary/messaging';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { loadGatewayConfig } from './gateway.config.js';

// The app (and through it graphql, express, kafkajs) is loaded only after tracing starts, so that the
// instrumentations wrap those libraries before anything binds their functions.
const loadApp = () => Promise.all([import('./gateway.app.js'), import('@tributary/edge')]);

const config = loadGatewayConfig(process.env);
await runAppCommand('gateway', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('gateway'));
    const [{ createGatewayApp, ensureAdminKey }, { listenApp }] = await loadApp();
    const app = await createGatewayApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    if (config.TRIBUTARY_ADMIN_KEY) await ensureAdminKey(app, config.TRIBUTARY_ADMIN_KEY);
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => {
    const { GatewayModule } = await import('./gateway.module.js');
    return { applied: await migrateDatabase(DatabaseModule.optionsOf(GatewayModule.forRoot(config))) };
  },
  'kafka-topics': () => provisionRegistryTopics(config.transport),
});
