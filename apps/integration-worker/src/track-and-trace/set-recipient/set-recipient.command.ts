import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { RecipientBody, RecipientSavedBody } from './set-recipient.dto.js';

/** Sets the customer notified about a parcel's transitions, with their consent. */
export class SetRecipient extends Command<RecipientSavedBody> {
  constructor(
    readonly caller: Principal,
    readonly trackingId: string,
    readonly body: RecipientBody,
  ) {
    super();
  }
}
