import { Module } from '@nestjs/common';
import { CreateTenantController } from './create-tenant/create-tenant.controller.js';
import { CreateTenantHandler } from './create-tenant/create-tenant.handler.js';
import { CreateTenantResolver } from './create-tenant/create-tenant.resolver.js';
import { GetOwnTenantController } from './get-own-tenant/get-own-tenant.controller.js';
import { GetOwnTenantHandler } from './get-own-tenant/get-own-tenant.handler.js';
import { GetOwnTenantResolver } from './get-own-tenant/get-own-tenant.resolver.js';
import { GetTenantController } from './get-tenant/get-tenant.controller.js';
import { GetTenantHandler } from './get-tenant/get-tenant.handler.js';
import { GetTenantResolver } from './get-tenant/get-tenant.resolver.js';
import { IssueTenantApiKeyController } from './issue-tenant-api-key/issue-tenant-api-key.controller.js';
import { IssueTenantApiKeyHandler } from './issue-tenant-api-key/issue-tenant-api-key.handler.js';
import { IssueTenantApiKeyResolver } from './issue-tenant-api-key/issue-tenant-api-key.resolver.js';
import { ListTenantsController } from './list-tenants/list-tenants.controller.js';
import { ListTenantsHandler } from './list-tenants/list-tenants.handler.js';
import { ListTenantsResolver } from './list-tenants/list-tenants.resolver.js';
import { RenameOwnTenantController } from './rename-own-tenant/rename-own-tenant.controller.js';
import { RenameOwnTenantHandler } from './rename-own-tenant/rename-own-tenant.handler.js';
import { RenameOwnTenantResolver } from './rename-own-tenant/rename-own-tenant.resolver.js';
import { UpdateTenantController } from './update-tenant/update-tenant.controller.js';
import { UpdateTenantHandler } from './update-tenant/update-tenant.handler.js';
import { UpdateTenantResolver } from './update-tenant/update-tenant.resolver.js';

/**
 * Tenants: created, listed and changed by the platform admin only (never unauthenticated); a tenant's own keys see
 * and rename their own tenant and nothing else. (The admin's billing and provisioning routes under /v1/tenants live
 * with what they change: integrations/set-subscription, webhooks/provision-webhook.)
 */
@Module({
  controllers: [
    CreateTenantController,
    ListTenantsController,
    GetTenantController,
    UpdateTenantController,
    IssueTenantApiKeyController,
    GetOwnTenantController,
    RenameOwnTenantController,
  ],
  providers: [
    CreateTenantHandler,
    CreateTenantResolver,
    ListTenantsHandler,
    ListTenantsResolver,
    GetTenantHandler,
    GetTenantResolver,
    UpdateTenantHandler,
    UpdateTenantResolver,
    IssueTenantApiKeyHandler,
    IssueTenantApiKeyResolver,
    GetOwnTenantHandler,
    GetOwnTenantResolver,
    RenameOwnTenantHandler,
    RenameOwnTenantResolver,
  ],
})
export class TenantsModule {}
