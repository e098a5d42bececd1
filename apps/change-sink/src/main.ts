import 'reflect-metadata';
import { createChangeSinkApp } from './change-sink.app.js';
import { loadChangeSinkConfig } from './change-sink.config.js';

const config = loadChangeSinkConfig(process.env);
const app = await createChangeSinkApp(config);
app.enableShutdownHooks();
await app.listen(config.PORT, '0.0.0.0');
