import { Module } from '@nestjs/common';
import { GetPackageController } from './get-package/get-package.controller.js';
import { GetPackageHandler } from './get-package/get-package.handler.js';
import { ListMailboxController } from './list-mailbox/list-mailbox.controller.js';
import { ListMailboxHandler } from './list-mailbox/list-mailbox.handler.js';
import { OptOutController } from './opt-out/opt-out.controller.js';
import { OptOutHandler } from './opt-out/opt-out.handler.js';
import { SetRecipientController } from './set-recipient/set-recipient.controller.js';
import { SetRecipientHandler } from './set-recipient/set-recipient.handler.js';
import { SetTemplateController } from './set-template/set-template.controller.js';
import { SetTemplateHandler } from './set-template/set-template.handler.js';

/**
 * A tenant's view of track & trace (the tracking integration's data): who to notify about a parcel and
 * whether they agreed, its own templates, opt-outs, a package's state and history, and the local mailbox.
 * Every read and write runs in the caller's tenant transaction, narrowed to its tenant.
 */
@Module({
  controllers: [SetRecipientController, SetTemplateController, OptOutController, GetPackageController, ListMailboxController],
  providers: [SetRecipientHandler, SetTemplateHandler, OptOutHandler, GetPackageHandler, ListMailboxHandler],
})
export class TrackAndTraceModule {}
