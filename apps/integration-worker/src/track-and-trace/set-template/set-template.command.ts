import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { TemplateBody } from './set-template.dto.js';

/** The tenant's own notification for a package state in a language (instead of the built-in one). */
export class SetTemplate extends Command<TemplateBody> {
  constructor(
    readonly caller: Principal,
    readonly state: string,
    readonly language: string,
    readonly template: TemplateBody,
  ) {
    super();
  }
}
