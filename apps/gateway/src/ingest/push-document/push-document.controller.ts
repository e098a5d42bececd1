import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { TracedRequest } from '@tributary/edge';
import { Caller, type Principal } from '@tributary/tenancy';
import { ErrorBody } from '../../management-api/error-body.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';
import { PushedDocumentView } from '../ingest-entry.dto.js';
import { PushDocument } from './push-document.command.js';
import { PushDocumentBody } from './push-document.dto.js';

@ManagementApi('ingest')
@Controller('v1/ingest')
export class PushDocumentController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'IngestController_push',
    summary: 'Push a document (member): validated against its topic, published like a webhook delivery, and kept in the ingest log; the same document again answers the original',
  })
  @ApiResponse({ status: 202, type: PushedDocumentView })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'validation_failed, topic_unknown, payload_invalid' })
  push(@Caller() caller: Principal, @Body() body: PushDocumentBody, @Req() request: TracedRequest): Promise<PushedDocumentView> {
    return this.commandBus.execute(new PushDocument(caller, body, request.socket.remoteAddress ?? null, request.traceparent));
  }
}
