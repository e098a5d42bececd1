import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { SetRecipient } from './set-recipient.command.js';
import { RecipientBody, RecipientSavedBody } from './set-recipient.dto.js';

@ApiTags('tracking')
@ApiBearerAuth()
@Controller('v1/tracking')
@UseGuards(ApiKeyGuard)
export class SetRecipientController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('packages/:trackingId/recipient')
  @ApiOperation({ operationId: 'TrackingController_setRecipient', summary: "Set the customer notified about a parcel's transitions, with their consent" })
  @ApiResponse({ status: 200, type: RecipientSavedBody })
  @ApiResponse({ status: 400, description: 'validation_failed, tracking_id_invalid' })
  @ApiResponse({ status: 403, description: 'tenant_required, read_only_key' })
  setRecipient(@Caller() caller: Principal, @Param('trackingId') trackingId: string, @Body() body: RecipientBody): Promise<RecipientSavedBody> {
    requireWriter(caller);
    return this.commandBus.execute(new SetRecipient(caller, trackingId, body));
  }
}
