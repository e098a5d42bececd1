export * from './config.js';
export * from './app-config.js';
export * from './graphql-limits.js';
