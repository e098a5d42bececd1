import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { UpdateUserBody } from './update-user.dto.js';
import type { UserView } from '../user.dto.js';

/** Renames a user, changes their role, disables or enables them (owner). */
export class UpdateUser extends Command<UserView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly input: UpdateUserBody,
  ) {
    super();
  }
}
