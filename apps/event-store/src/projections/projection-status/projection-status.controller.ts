import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { ProjectionStatusBody } from './projection-status.dto.js';
import { GetProjectionStatus } from './projection-status.query.js';

@ApiTags('projections (admin)')
@ApiBearerAuth()
@Controller('v1/projections')
@UseGuards(ApiKeyGuard)
export class ProjectionStatusController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'ProjectionStatusController_list', summary: 'Every projection with its version, checkpoint, lag and latest rebuild (platform admin key)' })
  @ApiResponse({ status: 200, type: [ProjectionStatusBody] })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'admin_required' })
  async list(@Caller() caller: Principal): Promise<ProjectionStatusBody[]> {
    return this.queryBus.execute(new GetProjectionStatus(caller));
  }

  @Get(':name')
  @ApiOperation({ operationId: 'ProjectionStatusController_get', summary: "One projection's status, with its rebuild's progress (platform admin key)" })
  @ApiResponse({ status: 200, type: ProjectionStatusBody })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'admin_required' })
  @ApiResponse({ status: 404, description: 'projection_not_found' })
  async get(@Caller() caller: Principal, @Param('name') name: string): Promise<ProjectionStatusBody> {
    const [status] = await this.queryBus.execute(new GetProjectionStatus(caller, name));
    return status;
  }
}
