import { Controller, Get, Param, ParseUUIDPipe, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TributaryError } from '@tributary/domain';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { GetBuild, GetBuildDiskUsage, GetProjectDiskUsage, ListBuilds, ListProjects, MAX_IDS } from './builds.queries.js';
import { BuildDiskUsageView, BuildView, ProjectDiskUsageView } from './builds.views.js';

/** probo-db validated ids as UUIDs before anything else; so do we, with a coded 400. */
const uuidOf = (what: 'build' | 'project') =>
  new ParseUUIDPipe({ exceptionFactory: () => new TributaryError('invalid', `${what}_id_invalid`, `The ${what} id must be a UUID`) });

export class ListBuildsParams {
  @ApiProperty({ required: false, format: 'uuid', description: 'Only builds of this project' })
  @IsOptional()
  @IsUUID()
  project?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The last id of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;

  @ApiProperty({ required: false, minimum: 1, maximum: MAX_IDS, default: MAX_IDS })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_IDS)
  limit?: number;
}

/** probo-db's REST API, scoped to the caller's tenant. */
@ApiTags('builds (plugin, probo-db)')
@ApiBearerAuth()
@Controller()
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class BuildsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('build')
  @ApiOperation({ summary: "The tenant's build ids, in order (reaped ones included, as in probo-db)" })
  @ApiResponse({ status: 200, type: [String] })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async builds(@Caller() caller: Principal, @Query() params: ListBuildsParams): Promise<string[]> {
    return this.queryBus.execute(new ListBuilds(caller, { projectId: params.project, after: params.after, limit: params.limit ?? MAX_IDS }));
  }

  @Get('build/:build')
  @ApiOperation({ summary: 'A build by id' })
  @ApiResponse({ status: 200, type: BuildView })
  @ApiResponse({ status: 400, description: 'build_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 404, description: 'build_not_found' })
  async build(@Caller() caller: Principal, @Param('build', uuidOf('build')) buildId: string): Promise<BuildView> {
    return this.queryBus.execute(new GetBuild(caller, buildId));
  }

  @Get('build/:build/disk-usage')
  @ApiOperation({ summary: "A build's disk usage" })
  @ApiResponse({ status: 200, type: BuildDiskUsageView })
  @ApiResponse({ status: 400, description: 'build_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 404, description: 'build_not_found' })
  async buildDiskUsage(@Caller() caller: Principal, @Param('build', uuidOf('build')) buildId: string): Promise<BuildDiskUsageView> {
    return this.queryBus.execute(new GetBuildDiskUsage(caller, buildId));
  }

  @Get('project')
  @ApiOperation({ summary: "The tenant's project ids (projects with at least one build)" })
  @ApiResponse({ status: 200, type: [String] })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  async projects(@Caller() caller: Principal): Promise<string[]> {
    return this.queryBus.execute(new ListProjects(caller));
  }

  @Get('project/:project/disk-usage')
  @ApiOperation({ summary: "A project's disk usage: the sum over its builds that are not reaped" })
  @ApiResponse({ status: 200, type: ProjectDiskUsageView })
  @ApiResponse({ status: 400, description: 'project_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 404, description: 'project_not_found' })
  async projectDiskUsage(@Caller() caller: Principal, @Param('project', uuidOf('project')) projectId: string): Promise<ProjectDiskUsageView> {
    return this.queryBus.execute(new GetProjectDiskUsage(caller, projectId));
  }
}
