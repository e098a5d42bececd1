import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { BulkRecoveryBody, DeadLetterSelectionBody } from '../bulk-recovery.dto.js';

/** Redrives the dead letters a selection matches (the caller's tenant's, or every tenant's for the platform admin). */
export class RedriveDeadLetters extends Command<BulkRecoveryBody> {
  constructor(
    readonly caller: Principal,
    readonly body: DeadLetterSelectionBody,
  ) {
    super();
  }
}
