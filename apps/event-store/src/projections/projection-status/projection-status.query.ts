import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';

export type ProjectionState = 'live' | 'rebuilding' | 'stale';

export interface RebuildView {
  readonly status: 'building' | 'done' | 'failed';
  readonly reason: string;
  readonly targetVersion: number;
  readonly processed: number;
  /** Events to apply in all: those applied plus those of the projection's types still ahead of the rebuild. */
  readonly total: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export interface ProjectionStatus {
  readonly name: string;
  /** The version the running code builds. */
  readonly version: number;
  /** The version the live tables were built by (0: never built yet). */
  readonly liveVersion: number;
  readonly state: ProjectionState;
  readonly tables: string[];
  readonly events: string[];
  /** Where the live tables are in the log, in commit order. */
  readonly cursor: string;
  /** Events of the projection's types the live tables have not applied yet. */
  readonly lag: number;
  readonly updatedAt: string;
  readonly rebuild: RebuildView | null;
}

/** One projection's status, or every projection's when `name` is undefined. */
export class GetProjectionStatus extends Query<ProjectionStatus[]> {
  constructor(
    readonly caller: Principal,
    readonly name?: string,
  ) {
    super();
  }
}
