import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { OptOut } from './opt-out.command.js';
import { OptOutBody } from './opt-out.dto.js';

@ApiTags('tracking')
@ApiBearerAuth()
@Controller('v1/tracking')
@UseGuards(ApiKeyGuard)
export class OptOutController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('opt-outs')
  @HttpCode(204)
  @ApiOperation({ operationId: 'TrackingController_optOut', summary: 'Stop every notification to an address (for all its parcels)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  async optOut(@Caller() caller: Principal, @Body() body: OptOutBody): Promise<void> {
    requireWriter(caller);
    await this.commandBus.execute(new OptOut(caller, body.email));
  }
}
