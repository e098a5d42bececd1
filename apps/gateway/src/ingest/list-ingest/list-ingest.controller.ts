import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { IngestEntryPage, ListIngestQuery } from '@tributary/ingest';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi } from '../../management-api/management-api.js';
import { ListIngest } from './list-ingest.query.js';

@ManagementApi('ingest')
@Controller('v1/ingest')
export class ListIngestController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'IngestController_list',
    summary: "The tenant's ingest log: every webhook delivery answered (accepted or refused) and every pushed document, oldest first",
  })
  @ApiResponse({ status: 200, type: IngestEntryPage })
  list(@Caller() caller: Principal, @Query() filter: ListIngestQuery): Promise<IngestEntryPage> {
    return this.queryBus.execute(new ListIngest(caller, filter));
  }
}
