import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { ListRunsQuery, RunListBody } from './list-runs.dto.js';
import { ListRuns } from './list-runs.query.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ListRunsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('runs')
  @ApiOperation({ operationId: 'DeploymentsController_runs', summary: 'Run records, newest first (a tenant key: its own; the admin key: all)' })
  @ApiResponse({ status: 200, type: RunListBody })
  async runs(@Caller() caller: Principal, @Query() query: ListRunsQuery): Promise<RunListBody> {
    return { items: await this.queryBus.execute(new ListRuns(caller, query)) };
  }
}
