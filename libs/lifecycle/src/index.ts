export type { ReadinessCheck } from './health/readiness-check.js';
export * from './health/draining.js';
export * from './health/health.controller.js';
export * from './health/health.module.js';
export * from './shutdown.js';
export * from './app-command.js';
