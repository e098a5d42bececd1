import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ActionDataAnswer } from './action-data-answer.js';

/** A data action's document, fetched now or from the cache (see ActionDataAnswer for which). */
export class GetActionData extends Query<ActionDataAnswer> {
  constructor(
    readonly caller: Principal,
    readonly actionId: string,
    readonly maxAgeSeconds: number,
    readonly traceId: string,
  ) {
    super();
  }
}
