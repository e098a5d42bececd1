import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { TributaryError } from '@tributary/domain';
import { toGraphqlError } from './coded-error.filter.js';
import { noPrincipalUnlessOutage } from './outage.js';

/** What every app's GraphQL context says about its caller: who, if a credential was accepted, or why it was not. */
export interface GraphqlCallerContext<C> {
  readonly caller?: C;
  /** A credential that was sent but refused (unknown, revoked, malformed, a disabled tenant's). */
  readonly authError?: unknown;
}

/**
 * The caller part of a GraphQL context, from the request's credential: none sent, an anonymous context; refused, the
 * refusal, which the first resolver that needs a caller throws (the answer REST's guard gives); an outage fails the
 * whole request as `unavailable` — thrown as a GraphQLError, since Apollo answers anything else a context throws
 * with a 500.
 */
export async function graphqlCaller<C>(
  token: string | undefined,
  authenticate: (token: string) => Promise<C>,
): Promise<GraphqlCallerContext<C>> {
  if (!token) return {};
  try {
    return { caller: await authenticate(token) };
  } catch (error) {
    try {
      noPrincipalUnlessOutage(error);
    } catch (failure) {
      throw toGraphqlError(failure);
    }
    return { authError: error };
  }
}

/**
 * The authenticated caller of a GraphQL operation (`@GqlCaller() caller: Principal`); without one the operation
 * fails as REST would: with the refusal of the credential sent, or `unauthenticated` (the optional argument is its
 * message).
 */
export const GqlCaller = createParamDecorator((message: string | undefined, context: ExecutionContext): unknown => {
  const { caller, authError } = GqlExecutionContext.create(context).getContext<GraphqlCallerContext<unknown>>();
  if (caller !== undefined) return caller;
  throw authError ?? new TributaryError('unauthenticated', 'unauthenticated', message ?? 'A valid API key is required');
});
