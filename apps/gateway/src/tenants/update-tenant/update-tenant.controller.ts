import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { UpdateTenant } from './update-tenant.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { TenantView } from '../tenant.dto.js';
import { UpdateTenantBody } from './update-tenant.dto.js';

@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class UpdateTenantController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':tenantId')
  @ApiOperation({ operationId: 'TenantsController_update', summary: 'Rename, disable/enable a tenant, or set its rate limit (platform admin)' })
  @ApiResponse({ status: 200, type: TenantView })
  @NotFoundResponse('tenant_not_found')
  update(@Caller() caller: Principal, @Param('tenantId') id: string, @Body() body: UpdateTenantBody): Promise<TenantView> {
    return this.commandBus.execute(new UpdateTenant(caller, id, body));
  }
}
