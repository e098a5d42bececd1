import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { CreateIntegration } from './create-integration.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { CreateIntegrationBody } from './create-integration.dto.js';
import { IntegrationView } from '../integration.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';

@ManagementApi('integrations')
@Controller('v1/integrations')
export class CreateIntegrationController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ operationId: 'IntegrationsController_create', summary: "Connect some of the tenant's apps as an integration (member); billing sets its subscription" })
  @ApiResponse({ status: 201, type: IntegrationView })
  @NotFoundResponse('app_not_found')
  create(@Caller() caller: Principal, @Body() body: CreateIntegrationBody): Promise<IntegrationView> {
    return this.commandBus.execute(new CreateIntegration(caller, body));
  }
}
