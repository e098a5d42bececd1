import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { SetSubscription } from './set-subscription.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { IntegrationView } from '../integration.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { SetSubscriptionBody } from './set-subscription.dto.js';

@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class SetSubscriptionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':tenantId/integrations/:integrationId/subscription')
  @ApiOperation({ operationId: 'TenantsController_setSubscription', summary: "Record what a tenant paid for an integration (platform admin: billing)" })
  @ApiResponse({ status: 200, type: IntegrationView })
  @NotFoundResponse('tenant_not_found, integration_not_found')
  setSubscription(@Caller() caller: Principal, @Param('tenantId') tenantId: string, @Param('integrationId') integrationId: string, @Body() body: SetSubscriptionBody): Promise<IntegrationView> {
    return this.commandBus.execute(new SetSubscription(caller, tenantId, integrationId, body));
  }
}
