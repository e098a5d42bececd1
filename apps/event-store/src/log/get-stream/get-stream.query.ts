import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { StreamInfo } from '../event-log.js';

/** One of the caller's streams: its version and times. */
export class GetStream extends Query<StreamInfo> {
  constructor(
    readonly caller: Principal,
    readonly streamId: string,
  ) {
    super();
  }
}
