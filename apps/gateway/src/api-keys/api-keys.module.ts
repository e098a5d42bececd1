import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeysResolver } from './api-keys.resolver.js';

@Module({ controllers: [ApiKeysController], providers: [ApiKeysResolver, ApiKeysService], exports: [ApiKeysService] })
export class ApiKeysModule {}
