import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ActionBody } from '../action.dto.js';
import type { UpdateActionBody } from './update-action.dto.js';

/** Enables or disables an action, or its runs on its topic. */
export class UpdateAction extends Command<ActionBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly body: UpdateActionBody,
  ) {
    super();
  }
}
