import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { GetApiKey } from './get-api-key.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ApiKeyView } from '../api-key.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';

@ManagementApi('api keys')
@Controller('v1/api-keys')
export class GetApiKeyController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':keyId')
  @ApiOperation({ operationId: 'ApiKeysController_get', summary: 'Get an API key (never its secret)' })
  @ApiResponse({ status: 200, type: ApiKeyView })
  @NotFoundResponse('api_key_not_found')
  get(@Caller() caller: Principal, @Param('keyId') id: string): Promise<ApiKeyView> {
    return this.queryBus.execute(new GetApiKey(caller, id));
  }
}
