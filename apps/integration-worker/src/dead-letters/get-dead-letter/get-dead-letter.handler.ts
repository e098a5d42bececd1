import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DeadLetterQueue } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import { inCallerScope, tenantScopeOf } from '../../caller-scope.js';
import type { DeadLetterDetailBody } from './get-dead-letter.dto.js';
import { GetDeadLetter } from './get-dead-letter.query.js';

@QueryHandler(GetDeadLetter)
export class GetDeadLetterHandler implements IQueryHandler<GetDeadLetter> {
  private readonly queue = new DeadLetterQueue();

  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, id }: GetDeadLetter): Promise<DeadLetterDetailBody> {
    return inCallerScope(this.dataSource, caller, (db) => this.queue.get(db, id, tenantScopeOf(caller)));
  }
}
