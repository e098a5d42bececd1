export * from './tributary-error.js';
export * from './error-codes.js';
export * from './tracking-status.js';
export * from './nul-characters.js';
export * from './json-depth.js';
export * from './readable-input.js';
export * from './problem-list.js';
export * from './uuid.js';
