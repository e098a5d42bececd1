export * from './test-database.js';
export * from './test-secrets.js';
export * from './eventually.js';
export * from './http.js';
export * from './graphql-ws-client.js';
export * from './webhook-sender.js';
export * from './test.config.js';
export * from './kafka-broker/kafka-broker.js';
