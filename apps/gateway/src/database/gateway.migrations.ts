// The gateway schema's migrations, in the order they run (one class per file under migrations/).
import { GatewayInit1763900001000 } from './migrations/1763900001000-gateway-init.migration.js';
import { GatewayTenancyModel1764000000200 } from './migrations/1764000000200-gateway-tenancy-model.migration.js';
import { GatewayTenantIsolation1764000000300 } from './migrations/1764000000300-gateway-tenant-isolation.migration.js';
import { GatewayIngestLog1765102100000 } from './migrations/1765102100000-gateway-ingest-log.migration.js';
import { GatewayIngestLogRetention1765203000100 } from './migrations/1765203000100-gateway-ingest-log-retention.migration.js';
import { GatewayIngestLogSearch1765503000000 } from './migrations/1765503000000-gateway-ingest-log-search.migration.js';
import { GatewayOperatorLagSamples1765603000000 } from './migrations/1765603000000-gateway-operator-lag-samples.migration.js';

export const gatewayMigrations = [
  GatewayInit1763900001000,
  GatewayTenancyModel1764000000200,
  GatewayTenantIsolation1764000000300,
  GatewayIngestLog1765102100000,
  GatewayIngestLogRetention1765203000100,
  GatewayIngestLogSearch1765503000000,
  GatewayOperatorLagSamples1765603000000,
];
