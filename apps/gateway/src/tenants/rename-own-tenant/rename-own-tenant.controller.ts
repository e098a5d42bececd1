import { Body, Controller, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { RenameOwnTenant } from './rename-own-tenant.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi } from '../../management-api/management-api.js';
import { TenantView } from '../tenant.dto.js';
import { UpdateOwnTenantBody } from './rename-own-tenant.dto.js';

@ManagementApi('tenant')
@Controller('v1/tenant')
export class RenameOwnTenantController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch()
  @ApiOperation({ operationId: 'OwnTenantController_update', summary: "Rename the caller's tenant (owner)" })
  @ApiResponse({ status: 200, type: TenantView })
  update(@Caller() caller: Principal, @Body() body: UpdateOwnTenantBody): Promise<TenantView> {
    return this.commandBus.execute(new RenameOwnTenant(caller, body));
  }
}
