import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { DeadLetterBody } from '../dead-letter.dto.js';
import { DiscardDeadLetter } from './discard-dead-letter.command.js';

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
@UseGuards(ApiKeyGuard)
export class DiscardDeadLetterController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOperation({ operationId: 'DeadLettersController_discard', summary: 'Give a dead letter up (it stays listed as discarded)' })
  @ApiResponse({ status: 200, type: DeadLetterBody })
  @ApiResponse({ status: 403, description: 'read_only_key' })
  @ApiResponse({ status: 404, description: 'dead_letter_not_found' })
  @ApiResponse({ status: 409, description: 'dead_letter_not_dead' })
  discard(@Caller() caller: Principal, @Param('id') id: string): Promise<DeadLetterBody> {
    requireWriter(caller);
    return this.commandBus.execute(new DiscardDeadLetter(caller, id));
  }
}
