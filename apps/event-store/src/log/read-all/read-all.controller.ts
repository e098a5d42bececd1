import { Controller, Get, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { allTopics } from '@tributary/topics';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { EventView, toEventView } from '../log.views.js';
import { GetEvent, ReadAll } from './read-all.query.js';
import { EventPageView } from './read-all.views.js';
import { PageParams } from '../page-params.js';

export class ReadAllParams extends PageParams {
  @ApiProperty({ required: false, type: [String], enum: allTopics.map((t) => t.name), description: 'Only these types (repeat the parameter)' })
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  type?: string[];

  @ApiProperty({ required: false, format: 'date-time', description: 'Recorded at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiProperty({ required: false, format: 'date-time', description: 'Recorded before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiProperty({ required: false, example: '1234.567', description: 'The `cursor` of the previous page (or of an event)' })
  @IsOptional()
  @Matches(/^\d{1,20}\.\d{1,19}$/, { message: 'after must be a cursor (<digits>.<digits>)' })
  after?: string;
}

@ApiTags('events ($all)')
@ApiBearerAuth()
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ReadAllController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: "$all of the tenant: every event in commit order, by type and time, a page at a time",
    description: 'Continue with `after` = the returned cursor: an event committed late is never skipped and none is returned twice.',
  })
  @ApiResponse({ status: 200, type: EventPageView })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async all(@Caller() caller: Principal, @Query() params: ReadAllParams): Promise<EventPageView> {
    const page = await this.queryBus.execute(new ReadAll(caller, { ...params, types: params.type }));
    return { events: page.events.map(toEventView), cursor: page.cursor };
  }

  @Get(':eventId')
  @ApiOperation({ summary: "One of the tenant's events by id" })
  @ApiResponse({ status: 200, type: EventView })
  @ApiResponse({ status: 400, description: 'event_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  @ApiResponse({ status: 404, description: 'event_not_found' })
  async one(@Caller() caller: Principal, @Param('eventId') eventId: string): Promise<EventView> {
    return toEventView(await this.queryBus.execute(new GetEvent(caller, eventId)));
  }
}
