export * from './topic.js';
export * from './registry.js';
export * from './tracking/carrier-update-received.topic.js';
export * from './tracking/package-updated.topic.js';
export * from './integration/action-requested.topic.js';
