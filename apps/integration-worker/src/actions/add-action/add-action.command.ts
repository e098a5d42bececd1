import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ActionBody } from '../action.dto.js';
import type { CreateActionBody } from './add-action.dto.js';

/** Binds one of the integration's per-action methods to a deployment of the caller. */
export class AddAction extends Command<ActionBody> {
  constructor(
    readonly caller: Principal,
    readonly deploymentId: string,
    readonly body: CreateActionBody,
  ) {
    super();
  }
}
