export * from './topic.js';
export * from './registry.js';
export * from './tracking/carrier-update-received.topic.js';
export * from './tracking/package-updated.topic.js';
export * from './builds/build-created.topic.js';
export * from './builds/build-updated.topic.js';
export * from './builds/build-disk-usage-updated.topic.js';
export * from './builds/build-reaped.topic.js';
