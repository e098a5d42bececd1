import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { GetApp } from './get-app.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { AppView } from '../app.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';

@ManagementApi('apps')
@Controller('v1/apps')
export class GetAppController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':appId')
  @ApiOperation({ operationId: 'AppsController_get', summary: 'Get an app' })
  @ApiResponse({ status: 200, type: AppView })
  @NotFoundResponse('app_not_found')
  get(@Caller() caller: Principal, @Param('appId') id: string): Promise<AppView> {
    return this.queryBus.execute(new GetApp(caller, id));
  }
}
