import { Module } from '@nestjs/common';
import { CreateTenantController } from './create-tenant/create-tenant.controller.js';
import { CreateTenantHandler } from './create-tenant/create-tenant.handler.js';

@Module({ controllers: [CreateTenantController], providers: [CreateTenantHandler] })
export class TenantsModule {}
