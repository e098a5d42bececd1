import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeploymentBody } from '../deployment.dto.js';
import type { UpdateDeploymentBody } from './update-deployment.dto.js';

/** Changes a deployment: what is given is validated and replaces what was stored (credentials re-sealed). */
export class UpdateDeployment extends Command<DeploymentBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
    readonly body: UpdateDeploymentBody,
  ) {
    super();
  }
}
