import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi } from '../../management-api/management-api.js';
import { DeliveryPage, SearchDeliveriesQuery } from './search-deliveries.dto.js';
import { SearchDeliveries } from './search-deliveries.query.js';

@ManagementApi('ingest')
@Controller('v1/deliveries')
export class SearchDeliveriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'DeliveriesController_search',
    summary: 'Search webhook deliveries (accepted and refused) by webhook, status, error code, time and trace id, newest first',
    description:
      "The webhook deliveries of the ingest log (pushed documents are not deliveries: GET /v1/ingest lists them), without their bodies. A tenant key sees its tenant's; the platform admin key sees every tenant's, or one tenant's with `tenantId`.",
  })
  @ApiResponse({ status: 200, type: DeliveryPage })
  search(@Caller() caller: Principal, @Query() filter: SearchDeliveriesQuery): Promise<DeliveryPage> {
    return this.queryBus.execute(new SearchDeliveries(caller, filter));
  }
}
