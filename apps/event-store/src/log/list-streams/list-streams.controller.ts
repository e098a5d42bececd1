import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { toStreamView } from '../log.dto.js';
import { ListStreamsParams, StreamListView } from './list-streams.dto.js';
import { ListStreams } from './list-streams.query.js';

@ApiTags('streams')
@ApiBearerAuth()
@Controller('v1/streams')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ListStreamsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'ListStreamsController_list', summary: "The tenant's streams in id order, a page at a time" })
  @ApiResponse({ status: 200, type: StreamListView })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async list(@Caller() caller: Principal, @Query() params: ListStreamsParams): Promise<StreamListView> {
    const { streams, next } = await this.queryBus.execute(new ListStreams(caller, params));
    return { streams: streams.map(toStreamView), next };
  }
}
