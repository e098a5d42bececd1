import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { GetIntegration } from './get-integration.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { IntegrationView } from '../integration.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';

@ManagementApi('integrations')
@Controller('v1/integrations')
export class GetIntegrationController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':integrationId')
  @ApiOperation({ operationId: 'IntegrationsController_get', summary: 'Get an integration' })
  @ApiResponse({ status: 200, type: IntegrationView })
  @NotFoundResponse('integration_not_found')
  get(@Caller() caller: Principal, @Param('integrationId') id: string): Promise<IntegrationView> {
    return this.queryBus.execute(new GetIntegration(caller, id));
  }
}
