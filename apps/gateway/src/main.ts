import 'reflect-metadata';
import { createGatewayApp } from './gateway.app.js';
import { loadGatewayConfig } from './gateway.config.js';

const config = loadGatewayConfig(process.env);
const app = await createGatewayApp(config);
app.enableShutdownHooks();
await app.listen(config.PORT, '0.0.0.0');
