import { DEFAULT_GRAPHQL_LIMITS, graphqlLimitsRule } from '@tributary/edge';
import { NoSchemaIntrospectionCustomRule, specifiedRules, type ValidationRule } from 'graphql';
import type { ApiRootConfig } from '../api-root.config.js';

/**
 * What a request to the composed schema is validated with, over HTTP and graphql-ws alike: graphql-js's
 * rules, the platform's default limits, and — with GRAPHQL_INTROSPECTION off, as the manifests set it —
 * no introspection (`__schema`, `__type`), as the apps refuse theirs with NODE_ENV=production.
 */
export const rootValidationRules = (config: ApiRootConfig): readonly ValidationRule[] => [
  ...specifiedRules,
  graphqlLimitsRule(DEFAULT_GRAPHQL_LIMITS),
  ...(config.GRAPHQL_INTROSPECTION ? [] : [NoSchemaIntrospectionCustomRule]),
];
