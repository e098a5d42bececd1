import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ExpireWebhookSecret } from './expire-webhook-secret.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { WebhookSecretView } from '../webhook.dto.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class ExpireWebhookSecretController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':webhookId/secrets/:secretId')
  @ApiOperation({ operationId: 'WebhooksController_expire', summary: 'End one secret now, e.g. a leaked one (member); the last active secret cannot be ended' })
  @ApiResponse({ status: 200, type: WebhookSecretView })
  @ApiResponse({ status: 409, description: 'last_secret' })
  @NotFoundResponse('webhook_not_found, webhook_secret_not_found')
  expire(@Caller() caller: Principal, @Param('webhookId') webhookId: string, @Param('secretId') secretId: string): Promise<WebhookSecretView> {
    return this.commandBus.execute(new ExpireWebhookSecret(caller, webhookId, secretId));
  }
}
