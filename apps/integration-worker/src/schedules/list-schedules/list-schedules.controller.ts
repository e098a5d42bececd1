import { Controller, Get, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { ScheduleBody } from '../schedule.dto.js';
import { ListSchedules } from './list-schedules.query.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ListSchedulesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('schedules')
  @ApiOperation({ operationId: 'SchedulesController_list', summary: "The tenant's schedules" })
  @ApiResponse({ status: 200, type: [ScheduleBody] })
  list(@Caller() caller: Principal): Promise<ScheduleBody[]> {
    return this.queryBus.execute(new ListSchedules(caller));
  }
}
