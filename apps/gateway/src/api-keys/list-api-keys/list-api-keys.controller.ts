import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ListApiKeys } from './list-api-keys.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ApiKeyPage, ApiKeyView } from '../api-key.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@ManagementApi('api keys')
@Controller('v1/api-keys')
export class ListApiKeysController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'ApiKeysController_list', summary: "List the tenant's API keys (never their secrets)" })
  @ApiResponse({ status: 200, type: ApiKeyPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery): Promise<Page<ApiKeyView>> {
    return this.queryBus.execute(new ListApiKeys(caller, page));
  }
}
