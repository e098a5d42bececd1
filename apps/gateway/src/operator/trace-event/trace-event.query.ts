import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { OperatorTrace } from './trace-event.dto.js';

/** The path of one event, found by its trace id or event id (platform admin). */
export class TraceOperatorEvent extends Query<OperatorTrace> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
