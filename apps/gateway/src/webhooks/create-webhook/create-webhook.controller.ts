import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { CreateWebhook } from './create-webhook.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { CreateWebhookBody } from './create-webhook.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { WebhookCreatedView } from '../webhook.dto.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class CreateWebhookController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ operationId: 'WebhooksController_create', summary: 'Create a webhook for an app (member); returns its URL and first secret (shown once)' })
  @ApiResponse({ status: 201, type: WebhookCreatedView })
  @NotFoundResponse('app_not_found')
  create(@Caller() caller: Principal, @Body() body: CreateWebhookBody): Promise<WebhookCreatedView> {
    return this.commandBus.execute(new CreateWebhook(caller, body));
  }
}
