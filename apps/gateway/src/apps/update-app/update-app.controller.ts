import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { UpdateApp } from './update-app.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { AppView } from '../app.dto.js';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { UpdateAppBody } from './update-app.dto.js';

@ManagementApi('apps')
@Controller('v1/apps')
export class UpdateAppController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':appId')
  @ApiOperation({ operationId: 'AppsController_update', summary: 'Rename, reconfigure, disable or enable an app (member)' })
  @ApiResponse({ status: 200, type: AppView })
  @NotFoundResponse('app_not_found')
  update(@Caller() caller: Principal, @Param('appId') id: string, @Body() body: UpdateAppBody): Promise<AppView> {
    return this.commandBus.execute(new UpdateApp(caller, id, body));
  }
}
