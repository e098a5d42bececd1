export * from './tributary-error.js';
export * from './tracking-status.js';
