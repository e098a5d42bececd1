import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { BulkRecoveryBody } from '../bulk-recovery.dto.js';
import { recoverDeadLetters } from '../bulk-recovery.js';
import { DiscardDeadLetters } from './discard-dead-letters.command.js';

@CommandHandler(DiscardDeadLetters)
export class DiscardDeadLettersHandler implements ICommandHandler<DiscardDeadLetters> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, body }: DiscardDeadLetters): Promise<BulkRecoveryBody> {
    return recoverDeadLetters(this.dataSource, caller, body, 'discard');
  }
}
