import 'reflect-metadata';
import { exitOnSignals } from '@tributary/runtime';
import { createChangeSinkApp } from './change-sink.app.js';
import { loadChangeSinkConfig } from './change-sink.config.js';

const config = loadChangeSinkConfig(process.env);
const app = await createChangeSinkApp(config);
exitOnSignals(app);
await app.listen(config.PORT, '0.0.0.0');
