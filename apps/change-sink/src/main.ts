import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { loadChangeSinkConfig } from './change-sink.config.js';
import { uninstallCapture } from './capture/uninstall-capture.js';

// The app (and through it graphql, express, kafkajs) is loaded only after tracing starts, so that the
// instrumentations wrap those libraries before anything binds their functions.
const loadApp = () => Promise.all([import('./change-sink.app.js'), import('@tributary/edge')]);

const config = loadChangeSinkConfig(process.env);
await runAppCommand('change-sink', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('change-sink'));
    const [{ createChangeSinkApp }, { listenApp }] = await loadApp();
    const app = await createChangeSinkApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => {
    const { ChangeSinkModule } = await import('./change-sink.module.js');
    return { applied: await migrateDatabase(DatabaseModule.optionsOf(ChangeSinkModule.forRoot(config))) };
  },
  uninstall: () => uninstallCapture(config),
});
