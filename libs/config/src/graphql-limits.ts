/*
 * The GraphQL limits' settings and defaults, apart from the rule that applies them (@tributary/edge's
 * graphqlLimitsRule): loading the settings must not load graphql — tracing starts after the settings
 * are read and before graphql is loaded, or its instrumentation cannot wrap it.
 */

/** What a GraphQL document may ask of an endpoint (settings `GRAPHQL_MAX_*`, see AppConfig). */
export interface GraphqlLimits {
  /** Fields nested in fields, the root field counting 1. */
  readonly maxDepth: number;
  /** Aliased fields in an operation, each fragment counted as often as it is spread. */
  readonly maxAliases: number;
  /** See `graphqlLimitsRule` for how a cost is counted. */
  readonly maxCost: number;
  /** Lexical tokens of the document: parsing stops past this, before any validation. */
  readonly maxTokens: number;
  /** graphql-ws: a subscribe message's query text plus its variables (as JSON), in bytes. */
  readonly maxWsPayloadBytes: number;
}

export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = {
  maxDepth: 15,
  maxAliases: 100,
  maxCost: 5_000,
  maxTokens: 15_000,
  maxWsPayloadBytes: 64 * 1024,
};
