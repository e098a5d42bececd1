import { isTributaryError } from '@tributary/domain';
import type { NextFunction, Request, Response } from 'express';
import { execute, getOperationAST, GraphQLError, parse, validate, type DocumentNode, type ValidationRule } from 'graphql';
import type { StitchedSchema } from './stitched-schema.js';

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const answer = (response: Response, status: number, errors: GraphQLError[]) => void response.status(status).json({ errors: errors.map((e) => e.toJSON()) });
const refused = (message: string, code: string) => new GraphQLError(message, { extensions: { code } });

/**
 * `POST /graphql` (JSON) on the stitched schema: parsed and validated here (Apollo's codes, `rules`:
 * rootValidationRules), each root field run by its app. GET and subscriptions over HTTP are not served.
 */
export function graphqlOverHttp(schema: StitchedSchema, rules: readonly ValidationRule[]) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const body = (request.body ?? {}) as GraphqlBody;
    if (typeof body.query !== 'string' || (body.variables != null && typeof body.variables !== 'object') || (body.operationName != null && typeof body.operationName !== 'string')) {
      return answer(response, 400, [refused('POST a JSON body { query, variables?, operationName? } with content-type: application/json', 'BAD_REQUEST')]);
    }
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return answer(response, 400, [refused((error as GraphQLError).message, 'GRAPHQL_PARSE_FAILED')]);
    }
    const operationName = (body.operationName as string | null | undefined) ?? undefined;
    schema.get().then(
      async (stitched) => {
        const problems = validate(stitched, document, rules);
        if (problems.length > 0) {
          return answer(response, 400, problems.map((p) => (p.extensions.code ? p : refused(p.message, 'GRAPHQL_VALIDATION_FAILED'))));
        }
        if (getOperationAST(document, operationName)?.operation === 'subscription') {
          return answer(response, 400, [refused('Subscriptions are served over graphql-ws at this path', 'operation_not_supported')]);
        }
        const result = await execute({
          schema: stitched,
          document,
          variableValues: body.variables as Record<string, unknown> | undefined,
          operationName,
          contextValue: { authorization: request.headers.authorization },
        });
        // Every field it asked for was lost with its app: the answer is the root's 502, not a 200 of nulls.
        const lost = result.errors?.length && result.errors.every((e) => e.extensions?.code === 'app_unreachable') && Object.values(result.data ?? {}).every((v) => v === null);
        response.status(lost ? 502 : 200).json(result);
      },
      (error: unknown) => {
        if (!isTributaryError(error)) return next(error);
        answer(response, 502, [new GraphQLError(error.message, { extensions: { code: error.code, status: 502 } })]);
      },
    );
  };
}
