import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ListApps } from './list-apps.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { AppPage, AppView } from '../app.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@ManagementApi('apps')
@Controller('v1/apps')
export class ListAppsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'AppsController_list', summary: "List the tenant's apps" })
  @ApiResponse({ status: 200, type: AppPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery): Promise<Page<AppView>> {
    return this.queryBus.execute(new ListApps(caller, page));
  }
}
