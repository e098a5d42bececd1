import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { RevokeApiKey } from './revoke-api-key.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ApiKeyView } from '../api-key.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';

@ManagementApi('api keys')
@Controller('v1/api-keys')
export class RevokeApiKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete(':keyId')
  @ApiOperation({ operationId: 'ApiKeysController_revoke', summary: 'Revoke an API key at once (owner)' })
  @ApiResponse({ status: 200, type: ApiKeyView })
  @NotFoundResponse('api_key_not_found')
  revoke(@Caller() caller: Principal, @Param('keyId') id: string): Promise<ApiKeyView> {
    return this.commandBus.execute(new RevokeApiKey(caller, id));
  }
}
