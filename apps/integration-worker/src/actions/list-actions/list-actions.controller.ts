import { Controller, Get, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { ActionBody } from '../action.dto.js';
import { ListActions } from './list-actions.query.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ListActionsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('actions')
  @ApiOperation({ operationId: 'DeploymentsController_actions', summary: "The tenant's actions" })
  @ApiResponse({ status: 200, type: [ActionBody] })
  actions(@Caller() caller: Principal): Promise<ActionBody[]> {
    return this.queryBus.execute(new ListActions(caller));
  }
}
