import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { CreateUserBody } from './create-user.dto.js';
import type { UserView } from '../user.dto.js';

/** Adds a user to the caller's tenant (owner). */
export class CreateUser extends Command<UserView> {
  constructor(
    readonly caller: Principal,
    readonly input: CreateUserBody,
  ) {
    super();
  }
}
