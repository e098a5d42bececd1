import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { IssueTenantApiKey } from './issue-tenant-api-key.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ApiKeyCreatedView } from '../../api-keys/api-key.dto.js';
import { IssueTenantKeyBody } from './issue-tenant-api-key.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';

@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class IssueTenantApiKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':tenantId/api-keys')
  @ApiOperation({ operationId: 'TenantsController_issueKey', summary: "Issue an API key for a tenant: provisioning, or recovery when its owners lost theirs (platform admin)" })
  @ApiResponse({ status: 201, type: ApiKeyCreatedView })
  @NotFoundResponse('tenant_not_found')
  issueKey(@Caller() caller: Principal, @Param('tenantId') tenantId: string, @Body() body: IssueTenantKeyBody): Promise<ApiKeyCreatedView> {
    return this.commandBus.execute(new IssueTenantApiKey(caller, tenantId, body));
  }
}
