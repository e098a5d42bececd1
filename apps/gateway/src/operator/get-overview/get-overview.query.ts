import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { OperatorOverview } from '../operator.dto.js';

/** The platform now, for the operator page's first paint (platform admin). */
export class GetOperatorOverview extends Query<OperatorOverview> {
  constructor(readonly caller: Principal) {
    super();
  }
}
