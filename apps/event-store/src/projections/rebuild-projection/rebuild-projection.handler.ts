import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { GetProjectionStatus, type ProjectionStatus } from '../projection-status/projection-status.query.js';
import { ProjectionRebuilds } from '../rebuild/projection-rebuilds.js';
import { RebuildProjection } from './rebuild-projection.command.js';

@CommandHandler(RebuildProjection)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjection> {
  constructor(
    private readonly rebuilds: ProjectionRebuilds,
    private readonly queryBus: QueryBus,
  ) {}

  async execute({ caller, name, restart }: RebuildProjection): Promise<ProjectionStatus> {
    requirePlatformAdmin(caller);
    await this.rebuilds.request(name, 'requested', { restart });
    const [status] = await this.queryBus.execute(new GetProjectionStatus(caller, name));
    return status;
  }
}
