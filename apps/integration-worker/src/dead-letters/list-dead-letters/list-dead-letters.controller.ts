import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { DeadLetterListBody, ListDeadLettersQuery } from './list-dead-letters.dto.js';
import { ListDeadLetters } from './list-dead-letters.query.js';

/**
 * The dead-letter queue of every consumer group (both transports write to it). The platform admin
 * key sees all of it; a tenant key only its tenant's messages.
 */
@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
@UseGuards(ApiKeyGuard)
export class ListDeadLettersController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'DeadLettersController_list', summary: 'List dead letters (default: status dead), oldest first' })
  @ApiResponse({ status: 200, type: DeadLetterListBody })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  list(@Caller() caller: Principal, @Query() query: ListDeadLettersQuery): Promise<DeadLetterListBody> {
    return this.queryBus.execute(new ListDeadLetters(caller, query));
  }
}
