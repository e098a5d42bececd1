import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ListWebhookSecrets } from './list-webhook-secrets.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { WebhookSecretView } from '../webhook.dto.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class ListWebhookSecretsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':webhookId/secrets')
  @ApiOperation({ operationId: 'WebhooksController_secrets', summary: "A webhook's secrets: ids, expiry, whether active (never their values)" })
  @ApiResponse({ status: 200, type: [WebhookSecretView] })
  @NotFoundResponse('webhook_not_found')
  secrets(@Caller() caller: Principal, @Param('webhookId') webhookId: string): Promise<WebhookSecretView[]> {
    return this.queryBus.execute(new ListWebhookSecrets(caller, webhookId));
  }
}
