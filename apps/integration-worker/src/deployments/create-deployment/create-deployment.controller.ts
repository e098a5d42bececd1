import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { DeploymentBody } from '../deployment.dto.js';
import { CreateDeployment } from './create-deployment.command.js';
import { CreateDeploymentBody } from './create-deployment.dto.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class CreateDeploymentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('deployments')
  @ApiOperation({ operationId: 'DeploymentsController_create', summary: "Configure an integration for an external service (credentials are encrypted and never returned)" })
  @ApiResponse({ status: 201, type: DeploymentBody })
  @ApiResponse({ status: 400, description: 'validation_failed, integration_unknown, deployment_config_invalid, deployment_credentials_invalid' })
  @ApiResponse({ status: 403, description: 'tenant_required, read_only_key' })
  @ApiResponse({ status: 409, description: 'deployment_exists' })
  create(@Caller() caller: Principal, @Body() body: CreateDeploymentBody): Promise<DeploymentBody> {
    requireWriter(caller);
    return this.commandBus.execute(new CreateDeployment(caller, body));
  }
}
