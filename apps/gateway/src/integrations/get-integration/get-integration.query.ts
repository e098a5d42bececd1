import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { IntegrationView } from '../integration.dto.js';

/** One integration of the caller's tenant. */
export class GetIntegration extends Query<IntegrationView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
