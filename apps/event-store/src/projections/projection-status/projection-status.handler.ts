import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { formatLogCursor, LOG_START } from '../../log/stored-event.js';
import { ProjectionCheckpoints } from '../projection-checkpoints.js';
import { ProjectionRegistry, type RegisteredProjection } from '../projection-registry.js';
import { ProjectionRebuilds } from '../rebuild/projection-rebuilds.js';
import { GetProjectionStatus, type ProjectionStatus, type RebuildView } from './projection-status.query.js';

@QueryHandler(GetProjectionStatus)
export class ProjectionStatusHandler implements IQueryHandler<GetProjectionStatus> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ProjectionRegistry,
    private readonly checkpoints: ProjectionCheckpoints,
    private readonly rebuilds: ProjectionRebuilds,
  ) {}

  async execute({ caller, name }: GetProjectionStatus): Promise<ProjectionStatus[]> {
    requirePlatformAdmin(caller);
    if (name === undefined) return Promise.all(this.registry.all.map((p) => this.statusOf(p)));
    const projection = this.registry.find(name);
    if (!projection) throw new TributaryError('not_found', 'projection_not_found', `No projection is named "${name}"`);
    return [await this.statusOf(projection)];
  }

  private async statusOf(projection: RegisteredProjection): Promise<ProjectionStatus> {
    const checkpoint = (await this.checkpoints.read(this.dataSource, projection.name)) ?? { ...LOG_START, version: 0, updatedAt: new Date(0) };
    const rebuild = await this.rebuilds.state(this.dataSource, projection.name);
    const rebuildView: RebuildView | null = rebuild
      ? {
          status: rebuild.status,
          reason: rebuild.reason,
          targetVersion: rebuild.targetVersion,
          processed: rebuild.processed,
          total:
            rebuild.processed + (rebuild.status === 'done' ? 0 : await this.checkpoints.remaining(this.dataSource, projection, rebuild.cursor)),
          startedAt: rebuild.startedAt.toISOString(),
          updatedAt: rebuild.updatedAt.toISOString(),
          finishedAt: rebuild.finishedAt?.toISOString() ?? null,
          error: rebuild.error,
        }
      : null;
    return {
      name: projection.name,
      version: projection.version,
      liveVersion: checkpoint.version,
      state: rebuild?.status === 'building' ? 'rebuilding' : checkpoint.version === projection.version ? 'live' : 'stale',
      tables: projection.tables.map((t) => t.name),
      events: [...projection.types],
      cursor: formatLogCursor(checkpoint),
      lag: await this.checkpoints.remaining(this.dataSource, projection, checkpoint),
      updatedAt: checkpoint.updatedAt.toISOString(),
      rebuild: rebuildView,
    };
  }
}
