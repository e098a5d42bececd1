import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { uuidOf } from '../build-ids.pipe.js';
import { ProjectDiskUsageView } from './get-project-disk-usage.dto.js';
import { GetProjectDiskUsage } from './get-project-disk-usage.query.js';

@ApiTags('builds (plugin, probo-db)')
@ApiBearerAuth()
@Controller()
@UseGuards(ApiKeyGuard)
export class GetProjectDiskUsageController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('project/:project/disk-usage')
  @ApiOperation({ operationId: 'BuildsController_projectDiskUsage', summary: "A project's disk usage: the sum over its builds that are not reaped" })
  @ApiResponse({ status: 200, type: ProjectDiskUsageView })
  @ApiResponse({ status: 400, description: 'project_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 404, description: 'project_not_found' })
  async projectDiskUsage(@Caller() caller: Principal, @Param('project', uuidOf('project')) projectId: string): Promise<ProjectDiskUsageView> {
    return this.queryBus.execute(new GetProjectDiskUsage(caller, projectId));
  }
}
