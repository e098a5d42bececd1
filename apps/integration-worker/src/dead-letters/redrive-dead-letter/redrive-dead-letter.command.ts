import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeadLetterBody } from '../dead-letter.dto.js';

/** Sends a dead letter back to its consumer group's retries (from attempt 1, in order behind its key). */
export class RedriveDeadLetter extends Command<DeadLetterBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
