import 'reflect-metadata';
import { DatabaseModule, migrateDatabase } from '@tributary/database';
import { listenApp } from '@tributary/edge';
import { exitOnSignals, runAppCommand } from '@tributary/lifecycle';
import { startTracing } from '@tributary/observability';
import { createChangeSinkApp } from './change-sink.app.js';
import { loadChangeSinkConfig } from './change-sink.config.js';
import { uninstallCapture } from './capture/uninstall-capture.js';
import { ChangeSinkModule } from './change-sink.module.js';

const config = loadChangeSinkConfig(process.env);
await runAppCommand('change-sink', process.argv.slice(2), {
  async serve() {
    const tracing = await startTracing(config.tracing('change-sink'));
    const app = await createChangeSinkApp(config);
    exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS, tracing?.shutdown);
    await listenApp(app, config.PORT, '0.0.0.0');
  },
  migrate: async () => ({ applied: await migrateDatabase(DatabaseModule.optionsOf(ChangeSinkModule.forRoot(config))) }),
  uninstall: () => uninstallCapture(config),
});
