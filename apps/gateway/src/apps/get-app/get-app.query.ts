import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { AppView } from '../app.dto.js';

/** One app of the caller's tenant. */
export class GetApp extends Query<AppView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
