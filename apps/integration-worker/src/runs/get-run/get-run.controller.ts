import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { RunBody } from '../run.dto.js';
import { GetRun } from './get-run.query.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class GetRunController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('runs/:id')
  @ApiOperation({ operationId: 'DeploymentsController_getRun', summary: 'One run record' })
  @ApiResponse({ status: 200, type: RunBody })
  @ApiResponse({ status: 404, description: 'run_not_found' })
  getRun(@Caller() caller: Principal, @Param('id') id: string): Promise<RunBody> {
    return this.queryBus.execute(new GetRun(caller, id));
  }
}
