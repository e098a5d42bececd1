import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ListWebhooks } from './list-webhooks.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import type { Page } from '../../pagination/page.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';
import { WebhookListQuery } from './list-webhooks.dto.js';
import { WebhookPage, WebhookView } from '../webhook.dto.js';

@ManagementApi('webhooks')
@Controller('v1/webhooks')
export class ListWebhooksController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'WebhooksController_list', summary: "List the tenant's webhooks" })
  @ApiResponse({ status: 200, type: WebhookPage })
  list(@Caller() caller: Principal, @Query() query: WebhookListQuery): Promise<Page<WebhookView>> {
    return this.queryBus.execute(new ListWebhooks(caller, query));
  }
}
