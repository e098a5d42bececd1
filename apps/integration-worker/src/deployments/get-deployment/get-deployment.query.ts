import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeploymentBody } from '../deployment.dto.js';

/** One of the caller's deployments, without its credentials. */
export class GetDeployment extends Query<DeploymentBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
