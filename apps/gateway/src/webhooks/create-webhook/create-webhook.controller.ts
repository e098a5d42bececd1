import { Body, Controller, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TributaryError } from '@tributary/domain';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { allTopics } from '@tributary/topics';
import { IsIn, IsString } from 'class-validator';
import { CreateWebhook } from './create-webhook.command.js';

const topicNames = allTopics.map((t) => t.name);

export class CreateWebhookBody {
  @ApiProperty({ enum: topicNames, description: 'The topic deliveries are published on' })
  @IsString()
  @IsIn(topicNames)
  topic: string;
}

export class WebhookCreatedBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  tenantId: string;
  @ApiProperty()
  topic: string;
  @ApiProperty({ description: 'Where the sender delivers' })
  url: string;
  @ApiProperty({ description: 'The Standard Webhooks signing secret (whsec_…). Shown once.' })
  secret: string;
}

const tenantIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new TributaryError('not_found', 'tenant_not_found', 'No such tenant'),
});

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/tenants/:tenantId/webhooks')
@UseGuards(ApiKeyGuard)
export class CreateWebhookController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'Create a webhook endpoint for a tenant; returns its URL and signing secret' })
  @ApiResponse({ status: 201, type: WebhookCreatedBody })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 404, description: 'tenant_not_found' })
  async create(
    @Caller() caller: Principal,
    @Param('tenantId', tenantIdPipe) tenantId: string,
    @Body() body: CreateWebhookBody,
  ): Promise<WebhookCreatedBody> {
    return this.commandBus.execute(new CreateWebhook(caller, tenantId, body.topic));
  }
}
