import { Body, Controller, Param, Post, Req, Res, UseGuards, UsePipes } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import type { Request, Response } from 'express';
import { AppendToStream } from './append-to-stream.command.js';
import { AppendResultView, AppendToStreamBody } from './append-to-stream.dto.js';

@ApiTags('streams')
@ApiBearerAuth()
@Controller('v1/streams')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class AppendToStreamController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':streamId/events')
  @ApiOperation({ operationId: 'AppendToStreamController_append',
    summary: "Append events to one of the tenant's streams, checking its version",
    description: 'Idempotent by event id: repeating an append returns the original events (200) instead of storing them again (201).',
  })
  @ApiParam({ name: 'streamId', description: '1 to 200 characters' })
  @ApiResponse({ status: 201, type: AppendResultView, description: 'Appended' })
  @ApiResponse({ status: 200, type: AppendResultView, description: 'A repeat: already stored, nothing written' })
  @ApiResponse({ status: 400, description: 'validation_failed, stream_id_invalid, topic_unknown, payload_invalid, event_id_invalid, event_id_duplicate, occurred_at_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required, role_insufficient' })
  @ApiResponse({ status: 409, description: 'wrong_expected_version (details: expectedVersion, actualVersion), event_id_conflict' })
  async append(
    @Caller() caller: Principal,
    @Param('streamId') streamId: string,
    @Body() body: AppendToStreamBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AppendResultView> {
    const traceparent = (request as Request & { traceparent?: string }).traceparent;
    const result = await this.commandBus.execute(new AppendToStream(caller, streamId, body.expectedVersion ?? 'any', body.events, traceparent));
    response.status(result.appended ? 201 : 200);
    return result;
  }
}
