export * from './principal.js';
export * from './api-keys.js';
export * from './tenants.js';
export * from './secret-box.js';
export * from './api-key.guard.js';
export * from './tenancy.module.js';
export * from './tenancy.migrations.js';
export * from './tenant-scope.js';
