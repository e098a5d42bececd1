import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { CreateApiKey } from './create-api-key.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ApiKeyCreatedView } from '../api-key.dto.js';
import { CreateApiKeyBody } from './create-api-key.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';

@ManagementApi('api keys')
@Controller('v1/api-keys')
export class CreateApiKeyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ operationId: 'ApiKeysController_create', summary: 'Issue an API key: a service key with a role, or a key of a user (owner); the key is shown once' })
  @ApiResponse({ status: 201, type: ApiKeyCreatedView })
  @NotFoundResponse('user_not_found')
  create(@Caller() caller: Principal, @Body() body: CreateApiKeyBody): Promise<ApiKeyCreatedView> {
    return this.commandBus.execute(new CreateApiKey(caller, body));
  }
}
