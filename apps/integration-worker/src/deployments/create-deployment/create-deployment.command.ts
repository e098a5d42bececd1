import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeploymentBody } from '../deployment.dto.js';
import type { CreateDeploymentBody } from './create-deployment.dto.js';

/** Configures an integration for one of the caller's external services (credentials validated and sealed). */
export class CreateDeployment extends Command<DeploymentBody> {
  constructor(
    readonly caller: Principal,
    readonly body: CreateDeploymentBody,
  ) {
    super();
  }
}
