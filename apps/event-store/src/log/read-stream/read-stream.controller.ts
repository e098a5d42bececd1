import { Controller, Get, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { toEventView } from '../log.dto.js';
import { ReadStreamParams, StreamEventsView } from './read-stream.dto.js';
import { ReadStream } from './read-stream.query.js';

@ApiTags('streams')
@ApiBearerAuth()
@Controller('v1/streams')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ReadStreamController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':streamId/events')
  @ApiOperation({ operationId: 'ReadStreamController_events', summary: "Events of one of the tenant's streams, by version, a page at a time" })
  @ApiResponse({ status: 200, type: StreamEventsView })
  @ApiResponse({ status: 400, description: 'validation_failed, stream_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  @ApiResponse({ status: 404, description: 'stream_not_found' })
  async events(@Caller() caller: Principal, @Param('streamId') streamId: string, @Query() params: ReadStreamParams): Promise<StreamEventsView> {
    const page = await this.queryBus.execute(new ReadStream(caller, streamId, params));
    return { streamId: page.stream.streamId, version: page.stream.version, events: page.events.map(toEventView), next: page.next };
  }
}
