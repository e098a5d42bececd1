import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ProvisionWebhook } from './provision-webhook.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { ProvisionWebhookBody } from './provision-webhook.dto.js';
import { WebhookCreatedView } from '../webhook.dto.js';

@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class ProvisionWebhookController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':tenantId/webhooks')
  @ApiOperation({ operationId: 'TenantsController_provisionWebhook', summary: 'Provision a webhook for a tenant, optionally without an app (platform admin); returns its URL and secret' })
  @ApiResponse({ status: 201, type: WebhookCreatedView })
  @NotFoundResponse('tenant_not_found, app_not_found')
  provisionWebhook(@Caller() caller: Principal, @Param('tenantId') tenantId: string, @Body() body: ProvisionWebhookBody): Promise<WebhookCreatedView> {
    return this.commandBus.execute(new ProvisionWebhook(caller, tenantId, body));
  }
}
