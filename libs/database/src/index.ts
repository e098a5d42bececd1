export * from './commit-signal.js';
export * from './migrations.js';
export * from './database.module.js';
export * from './embedded-postgres.js';
export * from './queryable.js';
export * from './platform.migrations.js';
export * from './periodic-sweep.js';
