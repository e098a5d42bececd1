import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { toEventView } from '../log.dto.js';
import { EventPageView, ReadAllParams } from './read-all.dto.js';
import { ReadAll } from './read-all.query.js';

@ApiTags('events ($all)')
@ApiBearerAuth()
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ReadAllController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'ReadAllController_all',
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
}
