import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { IntegrationView } from '../integration.dto.js';
import type { UpdateIntegrationBody } from './update-integration.dto.js';

/** Renames an integration, changes its apps, disables or enables it (member). */
export class UpdateIntegration extends Command<IntegrationView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly input: UpdateIntegrationBody,
  ) {
    super();
  }
}
