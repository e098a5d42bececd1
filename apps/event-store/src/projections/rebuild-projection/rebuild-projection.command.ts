import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ProjectionStatus } from '../projection-status/projection-status.query.js';

/** Starts (or continues) rebuilding a projection from the log; answers with its status. */
export class RebuildProjection extends Command<ProjectionStatus> {
  constructor(
    readonly caller: Principal,
    readonly name: string,
    /** Start over from the log's start instead of continuing an unfinished rebuild. */
    readonly restart: boolean,
  ) {
    super();
  }
}
