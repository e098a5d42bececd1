import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { UpdateIntegration } from './update-integration.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { IntegrationView } from '../integration.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { UpdateIntegrationBody } from './update-integration.dto.js';

@ManagementApi('integrations')
@Controller('v1/integrations')
export class UpdateIntegrationController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':integrationId')
  @ApiOperation({ operationId: 'IntegrationsController_update', summary: 'Rename, change the apps of, disable or enable an integration (member)' })
  @ApiResponse({ status: 200, type: IntegrationView })
  @NotFoundResponse('integration_not_found, app_not_found')
  update(@Caller() caller: Principal, @Param('integrationId') id: string, @Body() body: UpdateIntegrationBody): Promise<IntegrationView> {
    return this.commandBus.execute(new UpdateIntegration(caller, id, body));
  }
}
