import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../access/api-docs.js';
import { PageQuery } from '../access/pagination.js';
import { AppPage, AppView, CreateAppBody, UpdateAppBody } from './app.model.js';
import { AppsService } from './apps.service.js';

@ManagementApi('apps')
@Controller('v1/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @ApiOperation({ summary: 'Add an app: one vendor configuration (member)' })
  @ApiResponse({ status: 201, type: AppView })
  create(@Caller() caller: Principal, @Body() body: CreateAppBody): Promise<AppView> {
    return this.apps.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's apps" })
  @ApiResponse({ status: 200, type: AppPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery) {
    return this.apps.list(caller, page);
  }

  @Get(':appId')
  @ApiOperation({ summary: 'Get an app' })
  @ApiResponse({ status: 200, type: AppView })
  @NotFoundResponse('app_not_found')
  get(@Caller() caller: Principal, @Param('appId') id: string): Promise<AppView> {
    return this.apps.get(caller, id);
  }

  @Patch(':appId')
  @ApiOperation({ summary: 'Rename, reconfigure, disable or enable an app (member)' })
  @ApiResponse({ status: 200, type: AppView })
  @NotFoundResponse('app_not_found')
  update(@Caller() caller: Principal, @Param('appId') id: string, @Body() body: UpdateAppBody): Promise<AppView> {
    return this.apps.update(caller, id, body);
  }
}
