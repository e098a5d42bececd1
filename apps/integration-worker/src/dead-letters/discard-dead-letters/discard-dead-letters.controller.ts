import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { BulkRecoveryBody, DeadLetterSelectionBody } from '../bulk-recovery.dto.js';
import { DiscardDeadLetters } from './discard-dead-letters.command.js';

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
@UseGuards(ApiKeyGuard)
export class DiscardDeadLettersController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('discard')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'DeadLettersController_discardMatching',
    summary: "Discard every dead letter a filter matches (topic, group, error code, time range), in batches; dryRun counts and samples",
    description: "A tenant key takes its tenant's dead letters only; the platform admin key every tenant's. Idempotent: what was taken is no longer dead, so a second call finds nothing more of it.",
  })
  @ApiResponse({ status: 200, type: BulkRecoveryBody })
  @ApiResponse({ status: 400, description: 'validation_failed (no filter, a bad instant, until before since)' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'read_only_key' })
  discard(@Caller() caller: Principal, @Body() body: DeadLetterSelectionBody): Promise<BulkRecoveryBody> {
    requireWriter(caller);
    return this.commandBus.execute(new DiscardDeadLetters(caller, body));
  }
}
