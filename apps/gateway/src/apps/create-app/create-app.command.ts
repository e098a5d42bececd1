import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { AppView } from '../app.dto.js';
import type { CreateAppBody } from './create-app.dto.js';

/** Adds an app to the caller's tenant (member). */
export class CreateApp extends Command<AppView> {
  constructor(
    readonly caller: Principal,
    readonly input: CreateAppBody,
  ) {
    super();
  }
}
