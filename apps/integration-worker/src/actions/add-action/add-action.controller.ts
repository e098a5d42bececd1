import { Body, Controller, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { ActionBody } from '../action.dto.js';
import { AddAction } from './add-action.command.js';
import { CreateActionBody } from './add-action.dto.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class AddActionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('deployments/:id/actions')
  @ApiOperation({ operationId: 'DeploymentsController_addAction', summary: "Bind one of the integration's methods to the deployment (runs by topic, schedule or hand)" })
  @ApiResponse({ status: 201, type: ActionBody })
  @ApiResponse({ status: 400, description: 'method_unknown, method_not_actionable' })
  @ApiResponse({ status: 404, description: 'deployment_not_found' })
  @ApiResponse({ status: 409, description: 'action_exists' })
  addAction(@Caller() caller: Principal, @Param('id') id: string, @Body() body: CreateActionBody): Promise<ActionBody> {
    requireWriter(caller);
    return this.commandBus.execute(new AddAction(caller, id, body));
  }
}
