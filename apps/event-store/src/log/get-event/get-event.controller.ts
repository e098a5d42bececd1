import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { EventView, toEventView } from '../log.dto.js';
import { GetEvent } from './get-event.query.js';

@ApiTags('events ($all)')
@ApiBearerAuth()
@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class GetEventController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':eventId')
  @ApiOperation({ operationId: 'ReadAllController_one', summary: "One of the tenant's events by id" })
  @ApiResponse({ status: 200, type: EventView })
  @ApiResponse({ status: 400, description: 'event_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  @ApiResponse({ status: 404, description: 'event_not_found' })
  async one(@Caller() caller: Principal, @Param('eventId') eventId: string): Promise<EventView> {
    return toEventView(await this.queryBus.execute(new GetEvent(caller, eventId)));
  }
}
