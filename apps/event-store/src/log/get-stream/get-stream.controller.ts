import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { StreamView, toStreamView } from '../log.dto.js';
import { GetStream } from './get-stream.query.js';

@ApiTags('streams')
@ApiBearerAuth()
@Controller('v1/streams')
@UseGuards(ApiKeyGuard)
export class GetStreamController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':streamId')
  @ApiOperation({ operationId: 'ReadStreamController_get', summary: "One of the tenant's streams: its version and times" })
  @ApiResponse({ status: 200, type: StreamView })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  @ApiResponse({ status: 404, description: 'stream_not_found' })
  async get(@Caller() caller: Principal, @Param('streamId') streamId: string): Promise<StreamView> {
    return toStreamView(await this.queryBus.execute(new GetStream(caller, streamId)));
  }
}
