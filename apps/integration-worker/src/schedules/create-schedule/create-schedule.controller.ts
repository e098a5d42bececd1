import { Body, Controller, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { ScheduleBody } from '../schedule.dto.js';
import { CreateSchedule } from './create-schedule.command.js';
import { CreateScheduleBody } from './create-schedule.dto.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class CreateScheduleController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('actions/:id/schedules')
  @ApiOperation({ operationId: 'SchedulesController_create', summary: 'Run an action on a cron schedule in a time zone (one firing per tick across all worker replicas)' })
  @ApiResponse({ status: 201, type: ScheduleBody })
  @ApiResponse({ status: 400, description: 'validation_failed, schedule_invalid, payload_invalid' })
  @ApiResponse({ status: 404, description: 'action_not_found' })
  create(@Caller() caller: Principal, @Param('id') id: string, @Body() body: CreateScheduleBody): Promise<ScheduleBody> {
    requireWriter(caller);
    return this.commandBus.execute(new CreateSchedule(caller, id, body));
  }
}
