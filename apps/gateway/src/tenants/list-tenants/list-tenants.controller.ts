import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ListTenants } from './list-tenants.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi } from '../../management-api/management-api.js';
import { TenantPage, TenantView } from '../tenant.dto.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class ListTenantsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'TenantsController_list', summary: 'List tenants (platform admin)' })
  @ApiResponse({ status: 200, type: TenantPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery): Promise<Page<TenantView>> {
    return this.queryBus.execute(new ListTenants(caller, page));
  }
}
