import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DeadLetterQueue } from '@tributary/messaging';
import { DataSource } from 'typeorm';
import { inCallerScope, tenantScopeOf } from '../../caller-scope.js';
import type { DeadLetterListBody } from './list-dead-letters.dto.js';
import { ListDeadLetters } from './list-dead-letters.query.js';

@QueryHandler(ListDeadLetters)
export class ListDeadLettersHandler implements IQueryHandler<ListDeadLetters> {
  private readonly queue = new DeadLetterQueue();

  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, filter }: ListDeadLetters): Promise<DeadLetterListBody> {
    const limit = filter.limit ?? 100;
    const items = await inCallerScope(this.dataSource, caller, (db) => this.queue.list(db, { ...filter, limit, tenantId: tenantScopeOf(caller) }));
    return { items, ...(items.length === limit ? { next: items[items.length - 1].id } : {}) };
  }
}
