import { Module } from '@nestjs/common';
import { IntegrationsController } from './integrations.controller.js';
import { IntegrationsService } from './integrations.service.js';
import { IntegrationsResolver } from './integrations.resolver.js';

@Module({ controllers: [IntegrationsController], providers: [IntegrationsResolver, IntegrationsService], exports: [IntegrationsService] })
export class IntegrationsModule {}
