import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { GetTenant } from './get-tenant.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { TenantView } from '../tenant.dto.js';

@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class GetTenantController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':tenantId')
  @ApiOperation({ operationId: 'TenantsController_get', summary: 'Get a tenant (platform admin)' })
  @ApiResponse({ status: 200, type: TenantView })
  @NotFoundResponse('tenant_not_found')
  get(@Caller() caller: Principal, @Param('tenantId') id: string): Promise<TenantView> {
    return this.queryBus.execute(new GetTenant(caller, id));
  }
}
