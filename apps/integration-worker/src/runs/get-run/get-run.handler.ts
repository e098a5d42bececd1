import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isUuid, TributaryError } from '@tributary/domain';
import { DataSource } from 'typeorm';
import { inCallerScope } from '../../caller-scope.js';
import { toRunBody, type RunBody } from '../run.dto.js';
import { runsOf } from '../run-reader.js';
import { GetRun } from './get-run.query.js';

@QueryHandler(GetRun)
export class GetRunHandler implements IQueryHandler<GetRun> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: GetRun): Promise<RunBody> {
    const [row] = isUuid(id) ? await inCallerScope(this.dataSource, caller, (db) => runsOf(db, caller, { where: { id } })) : [];
    if (!row) throw new TributaryError('not_found', 'run_not_found', 'No such run');
    return toRunBody(row);
  }
}
