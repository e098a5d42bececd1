export * from './commit-signal.js';
export * from './migrations.js';
export * from './database.module.js';
export * from './embedded-postgres.js';
export * from './queryable.js';
