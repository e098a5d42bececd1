import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ListIntegrations } from './list-integrations.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { IntegrationPage, IntegrationView } from '../integration.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@ManagementApi('integrations')
@Controller('v1/integrations')
export class ListIntegrationsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'IntegrationsController_list', summary: "List the tenant's integrations" })
  @ApiResponse({ status: 200, type: IntegrationPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery): Promise<Page<IntegrationView>> {
    return this.queryBus.execute(new ListIntegrations(caller, page));
  }
}
