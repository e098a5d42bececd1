import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DeadLetterQueue } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import { inCallerScope, tenantScopeOf } from '../../caller-scope.js';
import type { DeadLetterBody } from '../dead-letter.dto.js';
import { RedriveDeadLetter } from './redrive-dead-letter.command.js';

@CommandHandler(RedriveDeadLetter)
export class RedriveDeadLetterHandler implements ICommandHandler<RedriveDeadLetter> {
  private readonly queue = new DeadLetterQueue();

  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, id }: RedriveDeadLetter): Promise<DeadLetterBody> {
    return inCallerScope(this.dataSource, caller, (db) => this.queue.redrive(db, id, tenantScopeOf(caller)));
  }
}
