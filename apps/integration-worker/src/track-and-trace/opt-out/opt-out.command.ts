import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';

/** Stops every notification to an address, for all its parcels. */
export class OptOut extends Command<void> {
  constructor(
    readonly caller: Principal,
    readonly email: string,
  ) {
    super();
  }
}
