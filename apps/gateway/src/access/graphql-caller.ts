import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { TributaryError } from '@tributary/domain';
import type { Principal } from '@tributary/tenancy';

/** The GraphQL context: the principal of the request's API key, or why there is none. */
export interface GraphqlContext {
  principal?: Principal;
  /** A key that was sent but refused (unknown, revoked, a disabled tenant's). */
  authError?: unknown;
}

/** The authenticated caller of a GraphQL operation; without a valid key, the operation fails as REST would. */
export const GqlCaller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const { principal, authError } = GqlExecutionContext.create(context).getContext<GraphqlContext>();
  if (principal) return principal;
  throw authError ?? new TributaryError('unauthenticated', 'unauthenticated', 'A valid API key is required');
});
