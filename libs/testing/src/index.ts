export * from './test-database.js';
export * from './test-secrets.js';
export * from './eventually.js';
export * from './http.js';
