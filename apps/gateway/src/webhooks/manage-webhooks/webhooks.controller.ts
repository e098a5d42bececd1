import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../access/api-docs.js';
import {
  CreateWebhookBody,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookCreatedView,
  WebhookListQuery,
  WebhookPage,
  WebhookSecretCreatedView,
  WebhookSecretView,
  WebhookView,
} from './webhook.model.js';
import { WebhooksService } from './webhooks.service.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Create a webhook for an app (member); returns its URL and first secret (shown once)' })
  @ApiResponse({ status: 201, type: WebhookCreatedView })
  @NotFoundResponse('app_not_found')
  create(@Caller() caller: Principal, @Body() body: CreateWebhookBody): Promise<WebhookCreatedView> {
    return this.webhooks.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's webhooks" })
  @ApiResponse({ status: 200, type: WebhookPage })
  list(@Caller() caller: Principal, @Query() query: WebhookListQuery) {
    return this.webhooks.list(caller, query);
  }

  @Get(':webhookId')
  @ApiOperation({ summary: 'Get a webhook' })
  @ApiResponse({ status: 200, type: WebhookView })
  @NotFoundResponse('webhook_not_found')
  get(@Caller() caller: Principal, @Param('webhookId') id: string): Promise<WebhookView> {
    return this.webhooks.get(caller, id);
  }

  @Patch(':webhookId')
  @ApiOperation({ summary: 'Rename, disable/enable a webhook, or set its rate limit (member)' })
  @ApiResponse({ status: 200, type: WebhookView })
  @NotFoundResponse('webhook_not_found')
  update(@Caller() caller: Principal, @Param('webhookId') id: string, @Body() body: UpdateWebhookBody): Promise<WebhookView> {
    return this.webhooks.update(caller, id, body);
  }

  @Get(':webhookId/secrets')
  @ApiOperation({ summary: "A webhook's secrets: ids, expiry, whether active (never their values)" })
  @ApiResponse({ status: 200, type: [WebhookSecretView] })
  @NotFoundResponse('webhook_not_found')
  secrets(@Caller() caller: Principal, @Param('webhookId') id: string): Promise<WebhookSecretView[]> {
    return this.webhooks.listSecrets(caller, id);
  }

  @Post(':webhookId/secrets')
  @ApiOperation({ summary: 'Rotate: a new secret, active at once; the current ones expire after overlapSeconds (member)' })
  @ApiResponse({ status: 201, type: WebhookSecretCreatedView })
  @NotFoundResponse('webhook_not_found')
  rotate(@Caller() caller: Principal, @Param('webhookId') id: string, @Body() body: RotateSecretBody): Promise<WebhookSecretCreatedView> {
    return this.webhooks.rotateSecret(caller, id, body);
  }

  @Delete(':webhookId/secrets/:secretId')
  @ApiOperation({ summary: 'End one secret now, e.g. a leaked one (member); the last active secret cannot be ended' })
  @ApiResponse({ status: 200, type: WebhookSecretView })
  @ApiResponse({ status: 409, description: 'last_secret' })
  @NotFoundResponse('webhook_not_found, webhook_secret_not_found')
  expire(@Caller() caller: Principal, @Param('webhookId') id: string, @Param('secretId') secretId: string): Promise<WebhookSecretView> {
    return this.webhooks.expireSecret(caller, id, secretId);
  }
}
