import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeadLetterBody } from '../dead-letter.dto.js';

/** Gives a dead letter up (it stays listed as discarded). */
export class DiscardDeadLetter extends Command<DeadLetterBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
