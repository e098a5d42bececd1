import { TributaryError } from '@tributary/domain';
import { TenantContext, type Principal } from '@tributary/tenancy';

/** The GraphQL context: the principal authenticated from the request's API key, if any. */
export interface GraphqlContext {
  principal?: Principal;
}

export function principalOf(context: GraphqlContext): Principal {
  if (!context.principal) throw new TributaryError('unauthenticated', 'unauthenticated', 'A valid API key is required');
  return context.principal;
}

export const tenantOf = (context: GraphqlContext): TenantContext => TenantContext.of(principalOf(context));
