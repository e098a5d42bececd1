import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../access/api-docs.js';
import { PageQuery } from '../access/pagination.js';
import { ApiKeyCreatedView, ApiKeyPage, ApiKeyView, CreateApiKeyBody } from './api-key.model.js';
import { ApiKeysService } from './api-keys.service.js';

@ManagementApi('api keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Issue an API key: a service key with a role, or a key of a user (owner); the key is shown once' })
  @ApiResponse({ status: 201, type: ApiKeyCreatedView })
  @NotFoundResponse('user_not_found')
  create(@Caller() caller: Principal, @Body() body: CreateApiKeyBody): Promise<ApiKeyCreatedView> {
    return this.keys.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's API keys (never their secrets)" })
  @ApiResponse({ status: 200, type: ApiKeyPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery) {
    return this.keys.list(caller, page);
  }

  @Get(':keyId')
  @ApiOperation({ summary: 'Get an API key (never its secret)' })
  @ApiResponse({ status: 200, type: ApiKeyView })
  @NotFoundResponse('api_key_not_found')
  get(@Caller() caller: Principal, @Param('keyId') id: string): Promise<ApiKeyView> {
    return this.keys.get(caller, id);
  }

  @Delete(':keyId')
  @ApiOperation({ summary: 'Revoke an API key at once (owner)' })
  @ApiResponse({ status: 200, type: ApiKeyView })
  @NotFoundResponse('api_key_not_found')
  revoke(@Caller() caller: Principal, @Param('keyId') id: string): Promise<ApiKeyView> {
    return this.keys.revoke(caller, id);
  }
}
