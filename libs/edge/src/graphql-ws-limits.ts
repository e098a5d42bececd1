import { Logger } from '@nestjs/common';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { ServerOptions, SubscribePayload } from 'graphql-ws';
import { containsNul, NUL_REFUSED, type ErrorCode } from '@tributary/domain';
import { documentContainsNul } from './graphql-endpoint.js';
import { graphqlLimitsRule, isTokenLimitError, knownOperationTypeRule, refusal, tooManyTokens, type GraphqlLimits } from './graphql-limits.js';

/**
 * What graphqlEndpointOptions checks over HTTP, for graphql-ws (spread into a `'graphql-ws'` config).
 * A subscribe message too large, that does not parse, holds a NUL or is past the limits is answered
 * with an `error` message carrying the code, and its connection stays open: left to graphql-ws, a
 * document that does not parse closes the connection (4500), and nothing else is checked. Every
 * error it sends carries a code, as over HTTP.
 */
export function graphqlWsLimits(limits: GraphqlLimits): Pick<ServerOptions, 'onSubscribe' | 'validate' | 'onError' | 'onNext'> {
  const rules = [...specifiedRules, graphqlLimitsRule(limits), knownOperationTypeRule];
  return {
    onSubscribe: (_context, _id, payload) => refusalOf(payload, limits),
    // graphql-ws parses the query again (onSubscribe cannot hand it the schema): cheap within maxTokens.
    validate: (schema, document) => validate(schema, document, rules).map(coded),
    // What graphql-ws and graphql-js send without a code gets Apollo's code for it over HTTP: an operation
    // name that names none, a variable of the wrong type. A failure of the server is masked (and logged).
    onError: (_context, _id, _payload, errors) =>
      errors.map((e) => (isCoded(e) ? e.toJSON() : e.originalError && !(e.originalError instanceof GraphQLError) ? internal(e) : withCode(e, 'OPERATION_RESOLUTION_FAILURE'))),
    onNext: (_context, _id, _payload, _args, result) =>
      result.errors?.some((e) => !isCoded(e)) ? { ...result, errors: result.errors.map((e) => (isCoded(e) ? e.toJSON() : e.path ? internal(e) : withCode(e, 'BAD_USER_INPUT'))) } : undefined,
  };
}

const logger = new Logger('GraphQL');

const isCoded = (error: GraphQLError): boolean => typeof error.extensions.code === 'string';

const withCode = (error: GraphQLError, code: ErrorCode): GraphQLFormattedError => ({ ...error.toJSON(), extensions: { ...error.extensions, code, status: 400 } });

function internal(error: GraphQLError): GraphQLFormattedError {
  logger.error({ err: error.originalError ?? error }, 'unexpected GraphQL error');
  return { message: 'Internal error', locations: error.locations, path: error.path, extensions: { code: 'internal', status: 500 } };
}

function refusalOf(payload: SubscribePayload, limits: GraphqlLimits): GraphQLError[] | undefined {
  const size = Buffer.byteLength(payload.query) + Buffer.byteLength(JSON.stringify(payload.variables ?? {}));
  if (size > limits.maxWsPayloadBytes) {
    return [refusal('query_too_large', `The query and its variables take ${size} bytes; at most ${limits.maxWsPayloadBytes} are allowed`)];
  }
  const document = parsed(payload.query, limits);
  if (document instanceof GraphQLError) return [document];
  if (containsNul(payload.variables) || documentContainsNul(document)) return [refusal(NUL_REFUSED.code, NUL_REFUSED.message)];
  return undefined;
}

/**
 * A validation error as Apollo codes the same refusal over HTTP (GRAPHQL_VALIDATION_FAILED), unless a
 * rule of the platform's coded it: graphql-js's own rules give none, and every error carries a code.
 */
function coded(error: GraphQLError): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED', status: 400 },
  });
}

function parsed(query: string, limits: GraphqlLimits): DocumentNode | GraphQLError {
  try {
    return parse(query, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    if (isTokenLimitError(error)) return tooManyTokens(limits);
    // Apollo's code for the same refusal over HTTP.
    return new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED', status: 400 } });
  }
}
