import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { UserView } from '../user.dto.js';

/** One user of the caller's tenant. */
export class GetUser extends Query<UserView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
