import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DeadLetterQueue } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import { inCallerScope, tenantScopeOf } from '../../caller-scope.js';
import type { DeadLetterBody } from '../dead-letter.dto.js';
import { DiscardDeadLetter } from './discard-dead-letter.command.js';

@CommandHandler(DiscardDeadLetter)
export class DiscardDeadLetterHandler implements ICommandHandler<DiscardDeadLetter> {
  private readonly queue = new DeadLetterQueue();

  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, id }: DiscardDeadLetter): Promise<DeadLetterBody> {
    return inCallerScope(this.dataSource, caller, (db) => this.queue.discard(db, id, tenantScopeOf(caller)));
  }
}
