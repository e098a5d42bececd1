import { TributaryError } from '@tributary/domain';
import { TenantContext, type Principal } from '@tributary/tenancy';

/** The GraphQL context: the principal authenticated at connection time (graphql-ws) or per request (HTTP). */
export interface GraphqlContext {
  principal?: Principal;
}

export function tenantOf(context: GraphqlContext): TenantContext {
  if (!context.principal) throw new TributaryError('unauthenticated', 'unauthenticated', 'A valid API key is required');
  return TenantContext.of(context.principal);
}
