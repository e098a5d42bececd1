import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { StoredEvent } from '../stored-event.js';

/** One event of the caller's tenant by id. */
export class GetEvent extends Query<StoredEvent> {
  constructor(
    readonly caller: Principal,
    readonly eventId: string,
  ) {
    super();
  }
}
