import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../access/api-docs.js';
import { PageQuery } from '../access/pagination.js';
import { ApiKeyCreatedView } from '../api-keys/api-key.model.js';
import { IntegrationView } from '../integrations/integration.model.js';
import { IntegrationsService } from '../integrations/integrations.service.js';
import { ProvisionWebhookBody, WebhookCreatedView } from '../webhooks/manage-webhooks/webhook.model.js';
import { WebhooksService } from '../webhooks/manage-webhooks/webhooks.service.js';
import {
  CreateTenantBody,
  IssueTenantKeyBody,
  SetSubscriptionBody,
  TenantCreatedView,
  TenantPage,
  TenantView,
  UpdateOwnTenantBody,
  UpdateTenantBody,
} from './tenant.model.js';
import { TenantsService } from './tenants.service.js';

/** The platform admin's routes: tenants, and what only the platform does for a tenant (keys, billing, provisioning). */
@ManagementApi('tenants (platform admin)')
@Controller('v1/tenants')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly integrations: IntegrationsService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant and its first owner API key (platform admin)' })
  @ApiResponse({ status: 201, type: TenantCreatedView })
  create(@Caller() caller: Principal, @Body() body: CreateTenantBody): Promise<TenantCreatedView> {
    return this.tenants.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants (platform admin)' })
  @ApiResponse({ status: 200, type: TenantPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery) {
    return this.tenants.list(caller, page);
  }

  @Get(':tenantId')
  @ApiOperation({ summary: 'Get a tenant (platform admin)' })
  @ApiResponse({ status: 200, type: TenantView })
  @NotFoundResponse('tenant_not_found')
  get(@Caller() caller: Principal, @Param('tenantId') id: string): Promise<TenantView> {
    return this.tenants.get(caller, id);
  }

  @Patch(':tenantId')
  @ApiOperation({ summary: 'Rename, disable/enable a tenant, or set its rate limit (platform admin)' })
  @ApiResponse({ status: 200, type: TenantView })
  @NotFoundResponse('tenant_not_found')
  update(@Caller() caller: Principal, @Param('tenantId') id: string, @Body() body: UpdateTenantBody): Promise<TenantView> {
    return this.tenants.update(caller, id, body);
  }

  @Post(':tenantId/api-keys')
  @ApiOperation({ summary: "Issue an API key for a tenant: provisioning, or recovery when its owners lost theirs (platform admin)" })
  @ApiResponse({ status: 201, type: ApiKeyCreatedView })
  @NotFoundResponse('tenant_not_found')
  issueKey(@Caller() caller: Principal, @Param('tenantId') id: string, @Body() body: IssueTenantKeyBody): Promise<ApiKeyCreatedView> {
    return this.tenants.issueKey(caller, id, body);
  }

  @Put(':tenantId/integrations/:integrationId/subscription')
  @ApiOperation({ summary: "Record what a tenant paid for an integration (platform admin: billing)" })
  @ApiResponse({ status: 200, type: IntegrationView })
  @NotFoundResponse('tenant_not_found, integration_not_found')
  setSubscription(
    @Caller() caller: Principal,
    @Param('tenantId') tenantId: string,
    @Param('integrationId') integrationId: string,
    @Body() body: SetSubscriptionBody,
  ): Promise<IntegrationView> {
    return this.integrations.setSubscription(caller, tenantId, integrationId, body);
  }

  @Post(':tenantId/webhooks')
  @ApiOperation({ summary: 'Provision a webhook for a tenant, optionally without an app (platform admin); returns its URL and secret' })
  @ApiResponse({ status: 201, type: WebhookCreatedView })
  @NotFoundResponse('tenant_not_found, app_not_found')
  provisionWebhook(@Caller() caller: Principal, @Param('tenantId') tenantId: string, @Body() body: ProvisionWebhookBody): Promise<WebhookCreatedView> {
    return this.webhooks.provision(caller, tenantId, body);
  }
}

/** A tenant key's view of its own tenant. */
@ManagementApi('tenant')
@Controller('v1/tenant')
export class OwnTenantController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's tenant" })
  @ApiResponse({ status: 200, type: TenantView })
  get(@Caller() caller: Principal): Promise<TenantView> {
    return this.tenants.own(caller);
  }

  @Patch()
  @ApiOperation({ summary: "Rename the caller's tenant (owner)" })
  @ApiResponse({ status: 200, type: TenantView })
  update(@Caller() caller: Principal, @Body() body: UpdateOwnTenantBody): Promise<TenantView> {
    return this.tenants.renameOwn(caller, body);
  }
}
