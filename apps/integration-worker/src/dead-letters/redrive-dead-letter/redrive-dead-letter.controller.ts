import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { DeadLetterBody } from '../dead-letter.dto.js';
import { RedriveDeadLetter } from './redrive-dead-letter.command.js';

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
@UseGuards(ApiKeyGuard)
export class RedriveDeadLetterController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/redrive')
  @HttpCode(202)
  @ApiOperation({ operationId: 'DeadLettersController_redrive', summary: "Send a dead letter back to its consumer group's retries (from attempt 1, in order behind its key)" })
  @ApiResponse({ status: 202, type: DeadLetterBody })
  @ApiResponse({ status: 403, description: 'read_only_key' })
  @ApiResponse({ status: 404, description: 'dead_letter_not_found' })
  @ApiResponse({ status: 409, description: 'dead_letter_not_dead (already redriven, resolved or discarded)' })
  redrive(@Caller() caller: Principal, @Param('id') id: string): Promise<DeadLetterBody> {
    requireWriter(caller);
    return this.commandBus.execute(new RedriveDeadLetter(caller, id));
  }
}
