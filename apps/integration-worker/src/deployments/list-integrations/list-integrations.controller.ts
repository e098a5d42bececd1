import { Controller, Get, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '@tributary/tenancy';
import { IntegrationBody } from './list-integrations.dto.js';
import { ListIntegrations } from './list-integrations.query.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ListIntegrationsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('integrations')
  @ApiOperation({ operationId: 'DeploymentsController_integrations', summary: 'The integrations this worker runs, with their methods, topics and onSuccess targets' })
  @ApiResponse({ status: 200, type: [IntegrationBody] })
  integrations(): Promise<IntegrationBody[]> {
    return this.queryBus.execute(new ListIntegrations());
  }
}
