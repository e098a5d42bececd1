export * from './http-error.filter.js';
export * from './http-edge.js';
export { graphqlEndpointOptions } from './graphql-endpoint.js';
export { DEFAULT_GRAPHQL_LIMITS, graphqlLimitsRule, type GraphqlLimits } from './graphql-limits.js';
export { graphqlWsLimits } from './graphql-ws-limits.js';
export { jsonScalar } from './json-scalar.js';
export { listenApp } from './internal-http.js';
export * from './validation.pipe.js';
export * from './outage.js';
