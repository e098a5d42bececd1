import { TributaryError } from '@tributary/domain';
import { requirePlatformAdmin, type Principal } from '@tributary/tenancy';

/** The operator GraphQL context: the principal of the API key (HTTP: per request; graphql-ws: at connection). */
export interface OperatorContext {
  principal?: Principal;
}

/** Everything the operator sees spans tenants: only the platform admin key may look. */
export function requireOperator(context: OperatorContext): void {
  if (!context.principal) throw new TributaryError('unauthenticated', 'unauthenticated', 'The platform admin key is required');
  requirePlatformAdmin(context.principal);
}
