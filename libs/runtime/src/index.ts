export * from './config.js';
export * from './http-error.filter.js';
export * from './http-edge.js';
export * from './logging.js';
export * from './validation.pipe.js';
export * from './app-config.js';
export * from './health/health.module.js';
export * from './metrics/metrics.module.js';
