import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TributaryError } from '@tributary/domain';
import type { TracedRequest } from '@tributary/runtime';
import { ReceiveWebhook } from './receive-webhook.command.js';

class WebhookAcceptedBody {
  eventId: string;
  traceId: string;
}

const header = (request: TracedRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
};

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhookController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':webhookId')
  @HttpCode(202)
  @ApiOperation({ summary: 'Receive a webhook delivery (Standard Webhooks signed)' })
  @ApiParam({ name: 'webhookId', format: 'uuid' })
  @ApiHeader({ name: 'webhook-id', required: true, description: 'Unique per delivery; retries reuse it' })
  @ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Unix seconds; within ±5 minutes' })
  @ApiHeader({ name: 'webhook-signature', required: true, description: 'v1,<base64 HMAC-SHA256 of "id.timestamp.body">' })
  @ApiResponse({ status: 202, description: 'Durably accepted (or a repeat of an accepted delivery)', type: WebhookAcceptedBody })
  @ApiResponse({ status: 400, description: 'invalid_json or payload_invalid' })
  @ApiResponse({ status: 401, description: 'signature_missing, signature_invalid or timestamp_invalid' })
  @ApiResponse({ status: 404, description: 'webhook_not_found' })
  async receive(@Param('webhookId') webhookId: string, @Req() request: TracedRequest): Promise<WebhookAcceptedBody> {
    if (!Buffer.isBuffer(request.body)) {
      throw new TributaryError('invalid', 'invalid_json', 'Body is not valid JSON');
    }
    const accepted = await this.commandBus.execute(
      new ReceiveWebhook(
        webhookId,
        {
          id: header(request, 'webhook-id'),
          timestamp: header(request, 'webhook-timestamp'),
          signature: header(request, 'webhook-signature'),
        },
        request.body,
        request.traceparent,
      ),
    );
    return { eventId: accepted.eventId, traceId: request.traceId };
  }
}
