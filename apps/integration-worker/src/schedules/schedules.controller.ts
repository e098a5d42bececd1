import { Body, Controller, Get, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../admin/caller-scope.js';
import { CreateScheduleBody, ScheduleBody, UpdateScheduleBody } from './schedule.dto.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post('actions/:id/schedules')
  @ApiOperation({ summary: 'Run an action on a cron schedule in a time zone (one firing per tick across all worker replicas)' })
  @ApiResponse({ status: 201, type: ScheduleBody })
  @ApiResponse({ status: 400, description: 'validation_failed, schedule_invalid, payload_invalid' })
  @ApiResponse({ status: 404, description: 'action_not_found' })
  create(@Caller() caller: Principal, @Param('id') id: string, @Body() body: CreateScheduleBody): Promise<ScheduleBody> {
    requireWriter(caller);
    return this.schedules.create(caller, id, body);
  }

  @Get('schedules')
  @ApiOperation({ summary: "The tenant's schedules" })
  @ApiResponse({ status: 200, type: [ScheduleBody] })
  list(@Caller() caller: Principal): Promise<ScheduleBody[]> {
    return this.schedules.list(caller);
  }

  @Patch('schedules/:id')
  @ApiOperation({ summary: 'Change a schedule (picked up by the schedulers without a restart)' })
  @ApiResponse({ status: 200, type: ScheduleBody })
  @ApiResponse({ status: 400, description: 'validation_failed, schedule_invalid, payload_invalid' })
  @ApiResponse({ status: 404, description: 'schedule_not_found' })
  update(@Caller() caller: Principal, @Param('id') id: string, @Body() body: UpdateScheduleBody): Promise<ScheduleBody> {
    requireWriter(caller);
    return this.schedules.update(caller, id, body);
  }
}
