import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { MailboxBody } from './list-mailbox.dto.js';

/** The newest 200 notifications of the caller's tenant in the local mailbox (when the worker has no SMTP_URL). */
export class ListMailbox extends Query<MailboxBody> {
  constructor(readonly caller: Principal) {
    super();
  }
}
