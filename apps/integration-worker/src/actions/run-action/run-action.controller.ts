import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { RunAction } from './run-action.command.js';
import { RunActionBody, RunRequestedBody } from './run-action.dto.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RunActionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('actions/:id/runs')
  @HttpCode(202)
  @ApiOperation({ operationId: 'DeploymentsController_run', summary: 'Run an action by hand; the run goes through the same handler, retries and history' })
  @ApiResponse({ status: 202, type: RunRequestedBody })
  @ApiResponse({ status: 400, description: 'validation_failed, payload_invalid' })
  @ApiResponse({ status: 404, description: 'action_not_found' })
  @ApiResponse({ status: 409, description: 'action_disabled' })
  run(@Caller() caller: Principal, @Param('id') id: string, @Body() body: RunActionBody, @Req() request: { traceparent?: string }): Promise<RunRequestedBody> {
    requireWriter(caller);
    return this.commandBus.execute(new RunAction(caller, id, body.input, request.traceparent));
  }
}
