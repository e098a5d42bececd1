export * from './logging.js';
export { Metrics } from './metrics/metrics.js';
export * from './metrics/metrics.controller.js';
export * from './metrics/metrics.module.js';
export * from './tracing/tracing.js';
