import { Controller, Get, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { MailboxBody } from './list-mailbox.dto.js';
import { ListMailbox } from './list-mailbox.query.js';

@ApiTags('tracking')
@ApiBearerAuth()
@Controller('v1/tracking')
@UseGuards(ApiKeyGuard)
export class ListMailboxController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('mailbox')
  @ApiOperation({ operationId: 'TrackingController_mailbox', summary: 'Notifications written to the local mailbox (when the worker has no SMTP_URL), newest first' })
  @ApiResponse({ status: 200, type: MailboxBody })
  mailbox(@Caller() caller: Principal): Promise<MailboxBody> {
    return this.queryBus.execute(new ListMailbox(caller));
  }
}
