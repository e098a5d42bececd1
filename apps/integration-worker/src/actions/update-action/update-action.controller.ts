import { Body, Controller, Param, Patch, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { ActionBody } from '../action.dto.js';
import { UpdateAction } from './update-action.command.js';
import { UpdateActionBody } from './update-action.dto.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class UpdateActionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch('actions/:id')
  @ApiOperation({ operationId: 'DeploymentsController_updateAction', summary: 'Enable or disable an action, or its runs on its topic' })
  @ApiResponse({ status: 200, type: ActionBody })
  @ApiResponse({ status: 404, description: 'action_not_found' })
  updateAction(@Caller() caller: Principal, @Param('id') id: string, @Body() body: UpdateActionBody): Promise<ActionBody> {
    requireWriter(caller);
    return this.commandBus.execute(new UpdateAction(caller, id, body));
  }
}
