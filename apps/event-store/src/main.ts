import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { provisionRegistryTopics } from '@tributary/messaging';
import { listenApp } from '@tributary/edge';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { createEventStoreApp } from './event-store.app.js';
import { loadEventStoreConfig } from './event-store.config.js';
import { EventStoreModule } from './event-store.module.js';

const config = loadEventStoreConfig(process.env);
await runAppCommand('event-store', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('event-store'));
    const app = await createEventStoreApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    await app.startAllMicroservices();
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => ({ applied: await migrateDatabase(DatabaseModule.optionsOf(EventStoreModule.forRoot(config))) }),
  'kafka-topics': () => provisionRegistryTopics(config.transport),
});
