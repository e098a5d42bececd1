import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { provisionRegistryTopics } from '@tributary/messaging';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { loadWorkerConfig } from './worker.config.js';

// The app (and through it graphql, express, kafkajs) is loaded only after tracing starts, so that the
// instrumentations wrap those libraries before anything binds their functions.
const loadApp = () => Promise.all([import('./worker.app.js'), import('@tributary/edge')]);

const config = loadWorkerConfig(process.env);
await runAppCommand('integration-worker', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('integration-worker'));
    const [{ createWorkerApp }, { listenApp }] = await loadApp();
    const app = await createWorkerApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    await app.startAllMicroservices();
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => {
    const { WorkerModule } = await import('./worker.module.js');
    return { applied: await migrateDatabase(DatabaseModule.optionsOf(WorkerModule.forRoot(config))) };
  },
  'kafka-topics': () => provisionRegistryTopics(config.transport),
});
