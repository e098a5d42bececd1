import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { CreateApp } from './create-app.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { AppView } from '../app.dto.js';
import { CreateAppBody } from './create-app.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';

@ManagementApi('apps')
@Controller('v1/apps')
export class CreateAppController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ operationId: 'AppsController_create', summary: 'Add an app: one vendor configuration (member)' })
  @ApiResponse({ status: 201, type: AppView })
  create(@Caller() caller: Principal, @Body() body: CreateAppBody): Promise<AppView> {
    return this.commandBus.execute(new CreateApp(caller, body));
  }
}
