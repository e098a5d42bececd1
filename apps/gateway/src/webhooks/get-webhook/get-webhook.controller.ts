import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { GetWebhook } from './get-webhook.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { WebhookView } from '../webhook.dto.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class GetWebhookController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':webhookId')
  @ApiOperation({ operationId: 'WebhooksController_get', summary: 'Get a webhook' })
  @ApiResponse({ status: 200, type: WebhookView })
  @NotFoundResponse('webhook_not_found')
  get(@Caller() caller: Principal, @Param('webhookId') id: string): Promise<WebhookView> {
    return this.queryBus.execute(new GetWebhook(caller, id));
  }
}
