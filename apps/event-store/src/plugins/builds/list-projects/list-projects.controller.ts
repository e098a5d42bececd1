import { Controller, Get, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { ListProjects } from './list-projects.query.js';

@ApiTags('builds (plugin, probo-db)')
@ApiBearerAuth()
@Controller()
@UseGuards(ApiKeyGuard)
export class ListProjectsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('project')
  @ApiOperation({ operationId: 'BuildsController_projects', summary: "The tenant's project ids (projects with at least one build)" })
  @ApiResponse({ status: 200, type: [String] })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  async projects(@Caller() caller: Principal): Promise<string[]> {
    return this.queryBus.execute(new ListProjects(caller));
  }
}
