import { Module } from '@nestjs/common';
import { AppsController } from './apps.controller.js';
import { AppsService } from './apps.service.js';
import { AppsResolver } from './apps.resolver.js';

@Module({ controllers: [AppsController], providers: [AppsResolver, AppsService], exports: [AppsService] })
export class AppsModule {}
