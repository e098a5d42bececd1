import 'reflect-metadata';
import { exitOnSignals } from '@tributary/lifecycle';
import { createApiRootApp } from './api-root.app.js';
import { loadApiRootConfig } from './api-root.config.js';

const config = loadApiRootConfig(process.env);
const app = await createApiRootApp(config);
exitOnSignals(app, config.SHUTDOWN_TIMEOUT_MS);
await app.listen(config.PORT, '0.0.0.0');
