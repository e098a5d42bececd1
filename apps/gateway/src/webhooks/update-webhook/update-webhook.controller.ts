import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { UpdateWebhook } from './update-webhook.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { UpdateWebhookBody } from './update-webhook.dto.js';
import { WebhookView } from '../webhook.dto.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class UpdateWebhookController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':webhookId')
  @ApiOperation({ operationId: 'WebhooksController_update', summary: 'Rename, disable/enable a webhook, or set its rate limit (member)' })
  @ApiResponse({ status: 200, type: WebhookView })
  @NotFoundResponse('webhook_not_found')
  update(@Caller() caller: Principal, @Param('webhookId') id: string, @Body() body: UpdateWebhookBody): Promise<WebhookView> {
    return this.commandBus.execute(new UpdateWebhook(caller, id, body));
  }
}
