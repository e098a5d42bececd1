import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeadLetterDetailBody } from './get-dead-letter.dto.js';

/** One dead letter with its envelope. */
export class GetDeadLetter extends Query<DeadLetterDetailBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
