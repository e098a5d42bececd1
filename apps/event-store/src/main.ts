import 'reflect-metadata';
import { exitOnSignals } from '@tributary/runtime';
import { createEventStoreApp } from './event-store.app.js';
import { loadEventStoreConfig } from './event-store.config.js';

const config = loadEventStoreConfig(process.env);
const app = await createEventStoreApp(config);
exitOnSignals(app);
await app.startAllMicroservices();
await app.listen(config.PORT, '0.0.0.0');
