import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeploymentBody } from '../deployment.dto.js';

/** The caller's deployments, oldest first. */
export class ListDeployments extends Query<DeploymentBody[]> {
  constructor(readonly caller: Principal) {
    super();
  }
}
