import 'reflect-metadata';
import { exitOnSignals } from '@tributary/runtime';
import { createWorkerApp } from './worker.app.js';
import { loadWorkerConfig } from './worker.config.js';

const config = loadWorkerConfig(process.env);
const app = await createWorkerApp(config);
exitOnSignals(app);
await app.startAllMicroservices();
await app.listen(config.PORT, '0.0.0.0');
