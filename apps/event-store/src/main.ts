import 'reflect-metadata';
import { createEventStoreApp } from './event-store.app.js';
import { loadEventStoreConfig } from './event-store.config.js';

const config = loadEventStoreConfig(process.env);
const app = await createEventStoreApp(config);
app.enableShutdownHooks();
await app.startAllMicroservices();
await app.listen(config.PORT, '0.0.0.0');
