import 'reflect-metadata';
import { exitOnSignals } from '@tributary/runtime';
import { createGatewayApp, ensureAdminKey } from './gateway.app.js';
import { loadGatewayConfig } from './gateway.config.js';

const config = loadGatewayConfig(process.env);
const app = await createGatewayApp(config);
exitOnSignals(app);
if (config.TRIBUTARY_ADMIN_KEY) await ensureAdminKey(app, config.TRIBUTARY_ADMIN_KEY);
await app.listen(config.PORT, '0.0.0.0');
