import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { DeploymentBody } from '../deployment.dto.js';
import { GetDeployment } from './get-deployment.query.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class GetDeploymentController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('deployments/:id')
  @ApiOperation({ operationId: 'DeploymentsController_get', summary: 'One deployment (without its credentials)' })
  @ApiResponse({ status: 200, type: DeploymentBody })
  @ApiResponse({ status: 404, description: 'deployment_not_found' })
  get(@Caller() caller: Principal, @Param('id') id: string): Promise<DeploymentBody> {
    return this.queryBus.execute(new GetDeployment(caller, id));
  }
}
