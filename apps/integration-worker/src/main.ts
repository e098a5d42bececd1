import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { provisionRegistryTopics } from '@tributary/messaging';
import { listenApp } from '@tributary/edge';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { createWorkerApp } from './worker.app.js';
import { loadWorkerConfig } from './worker.config.js';
import { WorkerModule } from './worker.module.js';

const config = loadWorkerConfig(process.env);
await runAppCommand('integration-worker', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('integration-worker'));
    const app = await createWorkerApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    await app.startAllMicroservices();
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => ({ applied: await migrateDatabase(DatabaseModule.optionsOf(WorkerModule.forRoot(config))) }),
  'kafka-topics': () => provisionRegistryTopics(config.transport),
});
