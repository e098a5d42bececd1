export * from './health/health.module.js';
export * from './shutdown.js';
export * from './app-command.js';
