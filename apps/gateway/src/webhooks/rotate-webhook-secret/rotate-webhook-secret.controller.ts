import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { RotateWebhookSecret } from './rotate-webhook-secret.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { RotateSecretBody } from './rotate-webhook-secret.dto.js';
import { WebhookSecretCreatedView } from '../webhook.dto.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class RotateWebhookSecretController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':webhookId/secrets')
  @ApiOperation({ operationId: 'WebhooksController_rotate', summary: 'Rotate: a new secret, active at once; the current ones expire after overlapSeconds (member)' })
  @ApiResponse({ status: 201, type: WebhookSecretCreatedView })
  @NotFoundResponse('webhook_not_found')
  rotate(@Caller() caller: Principal, @Param('webhookId') webhookId: string, @Body() body: RotateSecretBody): Promise<WebhookSecretCreatedView> {
    return this.commandBus.execute(new RotateWebhookSecret(caller, webhookId, body));
  }
}
