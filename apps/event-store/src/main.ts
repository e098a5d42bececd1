import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { provisionRegistryTopics } from '@tributary/messaging';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { loadEventStoreConfig } from './event-store.config.js';

// The app (and through it graphql, express, kafkajs) is loaded only after tracing starts, so that the
// instrumentations wrap those libraries before anything binds their functions.
const loadApp = () => Promise.all([import('./event-store.app.js'), import('@tributary/edge')]);

const config = loadEventStoreConfig(process.env);
await runAppCommand('event-store', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('event-store'));
    const [{ createEventStoreApp }, { listenApp }] = await loadApp();
    const app = await createEventStoreApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    await app.startAllMicroservices();
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => {
    const { EventStoreModule } = await import('./event-store.module.js');
    return { applied: await migrateDatabase(DatabaseModule.optionsOf(EventStoreModule.forRoot(config))) };
  },
  'kafka-topics': () => provisionRegistryTopics(config.transport),
});
