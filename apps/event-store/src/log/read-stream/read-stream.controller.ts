import { Controller, Get, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { StreamView, toEventView, toStreamView } from '../log.views.js';
import { MAX_STREAM_VERSION, ReadStream } from './read-stream.query.js';
import { StreamEventsView } from './read-stream.views.js';
import { PageParams } from '../page-params.js';

export class ReadStreamParams extends PageParams {
  @ApiProperty({ required: false, minimum: 0, maximum: MAX_STREAM_VERSION, description: 'The version to start at (inclusive). Default: 1 forward, the last one backward' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_STREAM_VERSION)
  from?: number;

  @ApiProperty({ required: false, enum: ['forward', 'backward'], default: 'forward' })
  @IsOptional()
  @IsIn(['forward', 'backward'])
  direction?: 'forward' | 'backward';
}

@ApiTags('streams')
@ApiBearerAuth()
@Controller('v1/streams')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ReadStreamController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':streamId')
  @ApiOperation({ summary: "One of the tenant's streams: its version and times" })
  @ApiResponse({ status: 200, type: StreamView })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  @ApiResponse({ status: 404, description: 'stream_not_found' })
  async get(@Caller() caller: Principal, @Param('streamId') streamId: string): Promise<StreamView> {
    const { stream } = await this.queryBus.execute(new ReadStream(caller, streamId, { limit: 0 }));
    return toStreamView(stream);
  }

  @Get(':streamId/events')
  @ApiOperation({ summary: "Events of one of the tenant's streams, by version, a page at a time" })
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
