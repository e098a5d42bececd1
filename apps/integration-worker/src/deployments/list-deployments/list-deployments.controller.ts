import { Controller, Get, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { DeploymentBody } from '../deployment.dto.js';
import { ListDeployments } from './list-deployments.query.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ListDeploymentsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('deployments')
  @ApiOperation({ operationId: 'DeploymentsController_list', summary: "The tenant's deployments" })
  @ApiResponse({ status: 200, type: [DeploymentBody] })
  list(@Caller() caller: Principal): Promise<DeploymentBody[]> {
    return this.queryBus.execute(new ListDeployments(caller));
  }
}
