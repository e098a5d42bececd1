import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ActionBody } from '../action.dto.js';

/** The caller's actions, oldest first. */
export class ListActions extends Query<ActionBody[]> {
  constructor(readonly caller: Principal) {
    super();
  }
}
