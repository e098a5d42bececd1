import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/runtime';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE, toStreamView } from '../log.views.js';
import { ListStreams } from './list-streams.query.js';
import { StreamListView } from './list-streams.views.js';

export class ListStreamsParams {
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

  @ApiProperty({ required: false, minimum: 1, maximum: MAX_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  limit?: number;
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
