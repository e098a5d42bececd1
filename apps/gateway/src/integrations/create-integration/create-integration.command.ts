import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { CreateIntegrationBody } from './create-integration.dto.js';
import type { IntegrationView } from '../integration.dto.js';

/** Connects some of the caller's tenant's apps as an integration (member). */
export class CreateIntegration extends Command<IntegrationView> {
  constructor(
    readonly caller: Principal,
    readonly input: CreateIntegrationBody,
  ) {
    super();
  }
}
