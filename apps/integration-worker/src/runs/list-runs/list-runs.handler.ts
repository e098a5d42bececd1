import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inCallerScope } from '../../caller-scope.js';
import { toRunBody, type RunBody } from '../run.dto.js';
import type { RunEntity } from '../run.entity.js';
import { runsOf } from '../run-reader.js';
import { ListRuns } from './list-runs.query.js';

@QueryHandler(ListRuns)
export class ListRunsHandler implements IQueryHandler<ListRuns> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, filter }: ListRuns): Promise<RunBody[]> {
    const where = {
      ...(filter.actionId === undefined ? {} : { actionId: filter.actionId }),
      ...(filter.state === undefined ? {} : { state: filter.state as RunEntity['state'] }),
    };
    const rows = await inCallerScope(this.dataSource, caller, (db) =>
      runsOf(db, caller, { where, order: { startedAt: 'DESC', id: 'ASC' }, take: filter.limit ?? 100 }),
    );
    return rows.map(toRunBody);
  }
}
