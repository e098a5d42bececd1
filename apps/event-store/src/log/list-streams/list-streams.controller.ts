import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { toStreamView } from '../log.views.js';
import { ListStreams } from './list-streams.query.js';
import { StreamListView } from './list-streams.views.js';
import { PageParams } from '../page-params.js';

export class ListStreamsParams extends PageParams {
  @ApiProperty({ required: false, description: 'Only streams whose id starts with this, e.g. "tracking-"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  prefix?: string;

  @ApiProperty({ required: false, description: 'The `next` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;
}

@ApiTags('streams')
@ApiBearerAuth()
@Controller('v1/streams')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ListStreamsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ summary: "The tenant's streams in id order, a page at a time" })
  @ApiResponse({ status: 200, type: StreamListView })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async list(@Caller() caller: Principal, @Query() params: ListStreamsParams): Promise<StreamListView> {
    const { streams, next } = await this.queryBus.execute(new ListStreams(caller, params));
    return { streams: streams.map(toStreamView), next };
  }
}
