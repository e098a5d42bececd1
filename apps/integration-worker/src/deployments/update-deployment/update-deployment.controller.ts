import { Body, Controller, Param, Patch, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { DeploymentBody } from '../deployment.dto.js';
import { UpdateDeployment } from './update-deployment.command.js';
import { UpdateDeploymentBody } from './update-deployment.dto.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class UpdateDeploymentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch('deployments/:id')
  @ApiOperation({ operationId: 'DeploymentsController_update', summary: 'Change a deployment: configuration, credentials (replaced, never returned), network policy, enabled' })
  @ApiResponse({ status: 200, type: DeploymentBody })
  @ApiResponse({ status: 400, description: 'validation_failed, deployment_config_invalid, deployment_credentials_invalid' })
  @ApiResponse({ status: 404, description: 'deployment_not_found' })
  update(@Caller() caller: Principal, @Param('id') id: string, @Body() body: UpdateDeploymentBody): Promise<DeploymentBody> {
    requireWriter(caller);
    return this.commandBus.execute(new UpdateDeployment(caller, id, body));
  }
}
