import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeadLetterListBody, ListDeadLettersQuery } from './list-dead-letters.dto.js';

/** Dead letters the caller may see (default: status dead), oldest first, a page at a time. */
export class ListDeadLetters extends Query<DeadLetterListBody> {
  constructor(
    readonly caller: Principal,
    readonly filter: ListDeadLettersQuery,
  ) {
    super();
  }
}
