// The tenancy schema's migrations, in the order they run (one class per file under migrations/).
import { TenancyInit1763900000100 } from './migrations/1763900000100-tenancy-init.migration.js';
import { TenantRole1763999000100 } from './migrations/1763999000100-tenant-role.migration.js';
import { TenancyModel1764000000100 } from './migrations/1764000000100-tenancy-model.migration.js';
import { TenancyIsolation1764000000150 } from './migrations/1764000000150-tenancy-isolation.migration.js';

export const tenancyMigrations = [TenancyInit1763900000100, TenantRole1763999000100, TenancyModel1764000000100, TenancyIsolation1764000000150];
