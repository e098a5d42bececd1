import { Logger, type HttpException } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, GraphQLSchema, visit, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { containsNul, NUL_REFUSED, type ErrorCode } from '@tributary/domain';
import type { GraphqlSdl } from './graphql-sdl.js';
import { graphqlLimitsRule, isTokenLimitError, knownOperationTypeRule, tooManyTokens, type GraphqlLimits } from './graphql-limits.js';

/** Apollo's own codes for a request it refused before running it: the caller's mistake, said plainly. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

const logger = new Logger('GraphQL');

/**
 * How every GraphQL endpoint answers an error: never a stack trace (Apollo adds one unless
 * NODE_ENV=production), and only what the platform chose to say — a coded error (`extensions.code`
 * set by the exception filter, lower-case) or Apollo's refusal of a malformed request. Anything else
 * (an error thrown outside the filter, or with Apollo's INTERNAL_SERVER_ERROR) is logged here and
 * answered `internal` with a fixed message.
 */
const formatErrorWithin =
  (limits: GraphqlLimits) =>
  (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const { message, locations, path, extensions } = restoreRefusal(formatted, error, limits);
    const code = extensions?.code;
    if (typeof code === 'string' && (REQUEST_ERROR_CODES.has(code) || PLATFORM_CODE.test(code))) {
      const status = extensions?.status;
      return { message, locations, path, extensions: { code, ...(typeof status === 'number' ? { status } : {}) } };
    }
    logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error }, 'unexpected GraphQL error');
    return { message: 'Internal error', locations, path, extensions: { code: 'internal', status: 500 } };
  };

const PLATFORM_CODE = /^[a-z][a-z0-9_]*$/;

/**
 * Apollo answers a validation rule's error as GRAPHQL_VALIDATION_FAILED and a parse stopped at the
 * token limit as a syntax error: the platform's refusals (graphql-limits.ts) get their own code back.
 */
function restoreRefusal(formatted: GraphQLFormattedError, error: unknown, limits: GraphqlLimits): GraphQLFormattedError {
  const apolloCode = formatted.extensions?.code;
  if (apolloCode === 'GRAPHQL_PARSE_FAILED' && isTokenLimitError(formatted)) {
    const refusal = tooManyTokens(limits);
    return { message: refusal.message, extensions: refusal.extensions };
  }
  const original = (error as { originalError?: unknown } | undefined)?.originalError;
  if (apolloCode !== 'GRAPHQL_VALIDATION_FAILED' || !(original instanceof GraphQLError)) return formatted;
  const code = original.extensions.code;
  return typeof code === 'string' && PLATFORM_CODE.test(code) ? { ...formatted, extensions: original.extensions } : formatted;
}

/**
 * The schema as reachable from its root fields. @nestjs/graphql builds every schema from one
 * process-wide type registry, so in the standalone process each endpoint also listed the object
 * types of the other apps (and pages): they are dropped here.
 */
function onlyReachableTypes(schema: GraphQLSchema): GraphQLSchema {
  return new GraphQLSchema({ ...schema.toConfig(), types: [] });
}

export function documentContainsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}

/** A NUL in a string argument or variable would fail its query in PostgreSQL: refused before execution (400). */
const refuseNulCharacters: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        if (containsNul(request.variables) || documentContainsNul(document)) {
          throw new GraphQLError(NUL_REFUSED.message, { extensions: { code: NUL_REFUSED.code, status: 400, http: { status: 400 } } });
        }
      },
    };
  },
};

/**
 * What every GraphQL endpoint of the platform is configured with (spread into its driver config).
 * The limits hold for its queries and mutations over HTTP; graphql-ws takes `graphqlWsLimits`.
 * `sdl`: the app's public endpoint records its schema there, served at `/docs-graphql` (graphql-sdl.ts).
 */
export const graphqlEndpointOptions = (limits: GraphqlLimits, sdl?: GraphqlSdl) => ({
  includeStacktraceInErrorResponses: false,
  formatError: formatErrorWithin(limits),
  transformSchema: (schema: GraphQLSchema): GraphQLSchema => {
    const reachable = onlyReachableTypes(schema);
    sdl?.record(reachable);
    return reachable;
  },
  plugins: [refuseNulCharacters],
  parseOptions: { maxTokens: limits.maxTokens },
  validationRules: [graphqlLimitsRule(limits), knownOperationTypeRule],
});

/** An HttpException (a Nest pipe's or guard's) over GraphQL: its status and the platform's code for it. */
export function httpExceptionCode(error: HttpException): { status: number; code: ErrorCode } {
  const status = error.getStatus();
  return { status, code: CODE_OF_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request') };
}

export const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'route_not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};
