import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { GetOwnTenant } from './get-own-tenant.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi } from '../../management-api/management-api.js';
import { TenantView } from '../tenant.dto.js';

/** A tenant key's view of its own tenant. */
@ManagementApi('tenant')
@Controller('v1/tenant')
export class GetOwnTenantController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'OwnTenantController_get', summary: "The caller's tenant" })
  @ApiResponse({ status: 200, type: TenantView })
  get(@Caller() caller: Principal): Promise<TenantView> {
    return this.queryBus.execute(new GetOwnTenant(caller));
  }
}
