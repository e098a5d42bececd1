import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { SettlementBody } from '../settlement.dto.js';
import { SettleMessage } from './settle-message.command.js';
import { SettleMessageBody } from './settle-message.dto.js';

@ApiTags('settlements')
@ApiBearerAuth()
@Controller('v1/settlements')
@UseGuards(ApiKeyGuard)
export class SettleMessageController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':token')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'SettlementsController_settle',
    summary: 'Settle a message a handler left unsettled (settleLater): ack (with its output), nack or reject',
    description:
      'Repeating the outcome already recorded answers 200 with it (`repeated: true`, nothing done again); another outcome, ' +
      'or a settlement whose deadline lapsed, is 409 `settlement_settled`.',
  })
  @ApiParam({ name: 'token', description: 'The token `settleLater` returned (`stl_` and 43 characters)' })
  @ApiResponse({ status: 200, type: SettlementBody })
  @ApiResponse({ status: 400, description: 'validation_failed, payload_invalid, reply_invalid, reply_topic_unknown' })
  @ApiResponse({ status: 403, description: 'read_only_key' })
  @ApiResponse({ status: 404, description: 'settlement_not_found' })
  @ApiResponse({ status: 409, description: 'settlement_settled' })
  settle(@Caller() caller: Principal, @Param('token') token: string, @Body() body: SettleMessageBody): Promise<SettlementBody> {
    requireWriter(caller);
    return this.commandBus.execute(new SettleMessage(caller, token, body));
  }
}
