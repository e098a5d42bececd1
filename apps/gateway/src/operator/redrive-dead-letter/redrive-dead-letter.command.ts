import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { RedriveResult } from '../operator.dto.js';

/** Sends a dead letter back to the consumer group that gave it up (platform admin). */
export class RedriveDeadLetter extends Command<RedriveResult> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
