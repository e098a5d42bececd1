import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { RunBody } from '../run.dto.js';

/** One run record the caller may read. */
export class GetRun extends Query<RunBody> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
