import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { BulkRecoveryBody } from '../bulk-recovery.dto.js';
import { recoverDeadLetters } from '../bulk-recovery.js';
import { RedriveDeadLetters } from './redrive-dead-letters.command.js';

@CommandHandler(RedriveDeadLetters)
export class RedriveDeadLettersHandler implements ICommandHandler<RedriveDeadLetters> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, body }: RedriveDeadLetters): Promise<BulkRecoveryBody> {
    return recoverDeadLetters(this.dataSource, caller, body, 'redrive');
  }
}
