import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { BuildView } from '../builds.dto.js';

export class GetBuild extends Query<BuildView> {
  constructor(
    readonly caller: Principal,
    readonly buildId: string,
  ) {
    super();
  }
}
