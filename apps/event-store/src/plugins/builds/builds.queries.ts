import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant, type Principal } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { BuildEntity } from './build.entity.js';
import { BuildDiskUsageView, ProjectDiskUsageView, type BuildView, toBuildView } from './builds.views.js';

export const MAX_IDS = 10_000;

/** The caller's build ids in order, optionally of one project, after `after`. */
export class ListBuilds extends Query<string[]> {
  constructor(
    readonly caller: Principal,
    readonly options: { readonly projectId?: string; readonly after?: string; readonly limit: number },
  ) {
    super();
  }
}

/** Like `ListBuilds`, with each build's fields (GraphQL). */
export class FindBuilds extends Query<BuildView[]> {
  constructor(
    readonly caller: Principal,
    readonly options: { readonly projectId?: string; readonly after?: string; readonly limit: number },
  ) {
    super();
  }
}

export class GetBuild extends Query<BuildView> {
  constructor(
    readonly caller: Principal,
    readonly buildId: string,
  ) {
    super();
  }
}

export class GetBuildDiskUsage extends Query<BuildDiskUsageView> {
  constructor(
    readonly caller: Principal,
    readonly buildId: string,
  ) {
    super();
  }
}

/** The caller's project ids (those with at least one build). */
export class ListProjects extends Query<string[]> {
  constructor(readonly caller: Principal) {
    super();
  }
}

export class GetProjectDiskUsage extends Query<ProjectDiskUsageView> {
  constructor(
    readonly caller: Principal,
    readonly projectId: string,
  ) {
    super();
  }
}

const buildNotFound = () => new TributaryError('not_found', 'build_not_found', 'No such build');

@QueryHandler(ListBuilds)
export class ListBuildsHandler implements IQueryHandler<ListBuilds> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, options }: ListBuilds): Promise<string[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (manager) =>
      manager.query<{ build_id: string }[]>(
        `SELECT build_id FROM event_store.builds
          WHERE tenant_id = $1 AND ($2::uuid IS NULL OR project_id = $2) AND build_id > coalesce($3::uuid, '00000000-0000-0000-0000-000000000000')
          ORDER BY build_id LIMIT $4`,
        [tenant.tenantId, options.projectId ?? null, options.after ?? null, options.limit],
      ),
    );
    return rows.map((r) => r.build_id);
  }
}

@QueryHandler(FindBuilds)
export class FindBuildsHandler implements IQueryHandler<FindBuilds> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, options }: FindBuilds): Promise<BuildView[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (manager) =>
      manager
        .getRepository(BuildEntity)
        .createQueryBuilder('b')
        .where('b.tenant_id = :tenant', { tenant: tenant.tenantId })
        .andWhere(options.projectId ? 'b.project_id = :project' : 'true', { project: options.projectId })
        .andWhere(options.after ? 'b.build_id > :after' : 'true', { after: options.after })
        .orderBy('b.build_id')
        .take(options.limit)
        .getMany(),
    );
    return rows.map(toBuildView);
  }
}

@QueryHandler(GetBuild)
export class GetBuildHandler implements IQueryHandler<GetBuild> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, buildId }: GetBuild): Promise<BuildView> {
    const tenant = TenantContext.of(caller);
    const row = await withTenant(this.dataSource, tenant, (manager) => manager.getRepository(BuildEntity).findOneBy({ tenantId: tenant.tenantId, buildId }));
    if (!row) throw buildNotFound();
    return toBuildView(row);
  }
}

@QueryHandler(GetBuildDiskUsage)
export class GetBuildDiskUsageHandler implements IQueryHandler<GetBuildDiskUsage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, buildId }: GetBuildDiskUsage): Promise<BuildDiskUsageView> {
    const tenant = TenantContext.of(caller);
    const row = await withTenant(this.dataSource, tenant, (manager) => manager.getRepository(BuildEntity).findOneBy({ tenantId: tenant.tenantId, buildId }));
    if (!row) throw buildNotFound();
    return { buildId, bytesReal: Number(row.bytesReal), bytesVirtual: Number(row.bytesVirtual), measuredAt: row.diskMeasuredAt?.toISOString() ?? null };
  }
}

@QueryHandler(ListProjects)
export class ListProjectsHandler implements IQueryHandler<ListProjects> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller }: ListProjects): Promise<string[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (manager) =>
      manager.query<{ project_id: string }[]>(`SELECT DISTINCT project_id FROM event_store.builds WHERE tenant_id = $1 ORDER BY project_id LIMIT $2`, [
        tenant.tenantId,
        MAX_IDS,
      ]),
    );
    return rows.map((r) => r.project_id);
  }
}

@QueryHandler(GetProjectDiskUsage)
export class GetProjectDiskUsageHandler implements IQueryHandler<GetProjectDiskUsage> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, projectId }: GetProjectDiskUsage): Promise<ProjectDiskUsageView> {
    const tenant = TenantContext.of(caller);
    const [row] = await withTenant(this.dataSource, tenant, (manager) =>
      manager.query<{ builds: string; active: string; real: string; virtual: string }[]>(
        `SELECT count(*) AS builds, count(*) FILTER (WHERE NOT reaped) AS active,
                coalesce(sum(bytes_real) FILTER (WHERE NOT reaped), 0) AS real,
                coalesce(sum(bytes_virtual) FILTER (WHERE NOT reaped), 0) AS virtual
           FROM event_store.builds WHERE tenant_id = $1 AND project_id = $2`,
        [tenant.tenantId, projectId],
      ),
    );
    if (Number(row.builds) === 0) throw new TributaryError('not_found', 'project_not_found', 'No such project');
    return { projectId, bytesReal: Number(row.real), bytesVirtual: Number(row.virtual), activeBuilds: Number(row.active) };
  }
}

export const buildQueryHandlers = [ListBuildsHandler, FindBuildsHandler, GetBuildHandler, GetBuildDiskUsageHandler, ListProjectsHandler, GetProjectDiskUsageHandler];
