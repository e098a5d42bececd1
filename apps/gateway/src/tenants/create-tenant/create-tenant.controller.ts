import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { CreateTenant } from './create-tenant.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { CreateTenantBody } from './create-tenant.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';
import { TenantCreatedView } from '../tenant.dto.js';

@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class CreateTenantController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ operationId: 'TenantsController_create', summary: 'Create a tenant and its first owner API key (platform admin)' })
  @ApiResponse({ status: 201, type: TenantCreatedView })
  create(@Caller() caller: Principal, @Body() body: CreateTenantBody): Promise<TenantCreatedView> {
    return this.commandBus.execute(new CreateTenant(caller, body));
  }
}
