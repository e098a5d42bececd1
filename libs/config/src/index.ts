export * from './config.js';
export * from './app-config.js';
