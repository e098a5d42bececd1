import { Body, Controller, Param, Patch, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { ScheduleBody } from '../schedule.dto.js';
import { UpdateSchedule } from './update-schedule.command.js';
import { UpdateScheduleBody } from './update-schedule.dto.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class UpdateScheduleController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch('schedules/:id')
  @ApiOperation({ operationId: 'SchedulesController_update', summary: 'Change a schedule (picked up by the schedulers without a restart)' })
  @ApiResponse({ status: 200, type: ScheduleBody })
  @ApiResponse({ status: 400, description: 'validation_failed, schedule_invalid, payload_invalid' })
  @ApiResponse({ status: 404, description: 'schedule_not_found' })
  update(@Caller() caller: Principal, @Param('id') id: string, @Body() body: UpdateScheduleBody): Promise<ScheduleBody> {
    requireWriter(caller);
    return this.commandBus.execute(new UpdateSchedule(caller, id, body));
  }
}
