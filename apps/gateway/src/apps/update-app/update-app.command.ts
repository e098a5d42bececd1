import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { AppView } from '../app.dto.js';
import type { UpdateAppBody } from './update-app.dto.js';

/** Renames, reconfigures, disables or enables an app (member). */
export class UpdateApp extends Command<AppView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly input: UpdateAppBody,
  ) {
    super();
  }
}
