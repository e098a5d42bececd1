import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ListIngestQuery } from '@tributary/ingest';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { ActionAnswerPage } from '../action-answer.dto.js';
import { ListIngest } from './list-ingest.query.js';

@ApiTags('ingest')
@ApiBearerAuth()
@Controller('v1/ingest')
@UseGuards(ApiKeyGuard)
export class ListIngestController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'IngestController_list',
    summary:
      "The tenant's upstream answers to its actions (the worker's ingest log, in the gateway's shape, with the run): every answer a data action's fetch or a run of an action got through its HTTP client, oldest first",
  })
  @ApiResponse({ status: 200, type: ActionAnswerPage })
  @ApiResponse({ status: 400, description: 'validation_failed (extId, since, limit), cursor_invalid (after)' })
  @ApiResponse({ status: 403, description: 'tenant_required: the admin key has no tenant log' })
  list(@Caller() caller: Principal, @Query() filter: ListIngestQuery): Promise<ActionAnswerPage> {
    return this.queryBus.execute(new ListIngest(caller, filter));
  }
}
