import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../access/api-docs.js';
import { PageQuery } from '../access/pagination.js';
import { CreateIntegrationBody, IntegrationPage, IntegrationView, UpdateIntegrationBody } from './integration.model.js';
import { IntegrationsService } from './integrations.service.js';

@ManagementApi('integrations')
@Controller('v1/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  @ApiOperation({ summary: "Connect some of the tenant's apps as an integration (member); billing sets its subscription" })
  @ApiResponse({ status: 201, type: IntegrationView })
  @NotFoundResponse('app_not_found')
  create(@Caller() caller: Principal, @Body() body: CreateIntegrationBody): Promise<IntegrationView> {
    return this.integrations.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's integrations" })
  @ApiResponse({ status: 200, type: IntegrationPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery) {
    return this.integrations.list(caller, page);
  }

  @Get(':integrationId')
  @ApiOperation({ summary: 'Get an integration' })
  @ApiResponse({ status: 200, type: IntegrationView })
  @NotFoundResponse('integration_not_found')
  get(@Caller() caller: Principal, @Param('integrationId') id: string): Promise<IntegrationView> {
    return this.integrations.get(caller, id);
  }

  @Patch(':integrationId')
  @ApiOperation({ summary: 'Rename, change the apps of, disable or enable an integration (member)' })
  @ApiResponse({ status: 200, type: IntegrationView })
  @NotFoundResponse('integration_not_found, app_not_found')
  update(@Caller() caller: Principal, @Param('integrationId') id: string, @Body() body: UpdateIntegrationBody): Promise<IntegrationView> {
    return this.integrations.update(caller, id, body);
  }
}
