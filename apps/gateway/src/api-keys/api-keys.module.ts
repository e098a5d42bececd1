import { Module } from '@nestjs/common';
import { CreateApiKeyController } from './create-api-key/create-api-key.controller.js';
import { CreateApiKeyHandler } from './create-api-key/create-api-key.handler.js';
import { CreateApiKeyResolver } from './create-api-key/create-api-key.resolver.js';
import { GetApiKeyController } from './get-api-key/get-api-key.controller.js';
import { GetApiKeyHandler } from './get-api-key/get-api-key.handler.js';
import { GetApiKeyResolver } from './get-api-key/get-api-key.resolver.js';
import { ListApiKeysController } from './list-api-keys/list-api-keys.controller.js';
import { ListApiKeysHandler } from './list-api-keys/list-api-keys.handler.js';
import { ListApiKeysResolver } from './list-api-keys/list-api-keys.resolver.js';
import { RevokeApiKeyController } from './revoke-api-key/revoke-api-key.controller.js';
import { RevokeApiKeyHandler } from './revoke-api-key/revoke-api-key.handler.js';
import { RevokeApiKeyResolver } from './revoke-api-key/revoke-api-key.resolver.js';

/** A tenant's API keys: anyone in the tenant may see them (never their secrets); owners issue and revoke. */
@Module({
  controllers: [CreateApiKeyController, ListApiKeysController, GetApiKeyController, RevokeApiKeyController],
  providers: [
    CreateApiKeyHandler,
    CreateApiKeyResolver,
    ListApiKeysHandler,
    ListApiKeysResolver,
    GetApiKeyHandler,
    GetApiKeyResolver,
    RevokeApiKeyHandler,
    RevokeApiKeyResolver,
  ],
})
export class ApiKeysModule {}
