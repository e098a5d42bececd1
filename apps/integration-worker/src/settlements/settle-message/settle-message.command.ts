import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { SettlementBody } from '../settlement.dto.js';
import type { SettleMessageBody } from './settle-message.dto.js';

/** Settles a message a handler left unsettled (`settleLater`), by its token. */
export class SettleMessage extends Command<SettlementBody> {
  constructor(
    readonly caller: Principal,
    readonly token: string,
    readonly body: SettleMessageBody,
  ) {
    super();
  }
}
