export * from './logging.js';
export * from './metrics/metrics.module.js';
