import { Topics, type BuildCreated, type BuildDiskUsageUpdated, type BuildReaped, type BuildUpdated } from '@tributary/topics';
import { Projection, ProjectionEventsHandler, type ProjectedEvents, type ProjectionEventHandler } from '../../projections/projection.js';
import type { ProjectionTable } from '../../projections/projection-table.js';
import { BuildEntity } from './build.entity.js';

/**
 * probo-db's build table, from build events. Unlike probo (delete, then insert: a race, and the
 * last event processed wins), every field group is a register that only moves to a newer event —
 * (its time, log position) greater than the one it holds — so reprocessing changes nothing and an
 * older event arriving after a newer one never overwrites it. The row exists from whichever event
 * of the build comes first; each handler writes its group for a whole batch in one statement.
 */
@ProjectionEventsHandler(Topics.buildCreated)
export class ApplyBuildCreated implements ProjectionEventHandler<BuildCreated> {
  async handle({ events, context }: ProjectedEvents<BuildCreated>): Promise<void> {
    const builds = context.table(BuildEntity);
    await builds.upsert(
      events.map(({ tenantId, position, data }) => ({
        tenantId,
        buildId: data.buildId,
        projectId: data.projectId,
        createdAt: data.createdAt,
        requestId: data.requestId ?? null,
        branchName: data.branchName ?? null,
        branchUrl: data.branchUrl ?? null,
        commitRef: data.commitRef ?? null,
        commitUrl: data.commitUrl ?? null,
        pullRequestNumber: data.pullRequestNumber ?? null,
        pullRequestName: data.pullRequestName ?? null,
        pullRequestUrl: data.pullRequestUrl ?? null,
        pullRequestDescription: data.pullRequestDescription ?? null,
        config: data.config ?? null,
        createdPosition: String(position),
      })),
      { onlyIfNewer: ['createdPosition'] },
    );
    // Creation is also the build's first state.
    await writeState(
      builds,
      events.map(({ tenantId, position, data }) => stateRow(tenantId, position, data, data.createdAt, [data.status ?? 'pending', null, data.pinned ?? false])),
    );
  }
}

/** A build.updated carries the build's whole state: status, submitted state, pinned. */
@ProjectionEventsHandler(Topics.buildUpdated)
export class ApplyBuildUpdated implements ProjectionEventHandler<BuildUpdated> {
  async handle({ events, context }: ProjectedEvents<BuildUpdated>): Promise<void> {
    await writeState(
      context.table(BuildEntity),
      events.map(({ tenantId, position, data }) => stateRow(tenantId, position, data, data.updatedAt, [data.status, data.submittedState ?? null, data.pinned ?? false])),
    );
  }
}

@ProjectionEventsHandler(Topics.buildDiskUsageUpdated)
export class ApplyBuildDiskUsage implements ProjectionEventHandler<BuildDiskUsageUpdated> {
  async handle({ events, context }: ProjectedEvents<BuildDiskUsageUpdated>): Promise<void> {
    await context.table(BuildEntity).upsert(
      events.map(({ tenantId, position, data }) => ({
        tenantId,
        buildId: data.buildId,
        projectId: data.projectId,
        bytesReal: String(data.realBytes),
        bytesVirtual: String(data.virtualBytes),
        diskMeasuredAt: data.measuredAt,
        diskPosition: String(position),
      })),
      { overwrite: ['bytesReal', 'bytesVirtual', 'diskMeasuredAt', 'diskPosition'], onlyIfNewer: ['diskMeasuredAt', 'diskPosition'] },
    );
  }
}

@ProjectionEventsHandler(Topics.buildReaped)
export class ApplyBuildReaped implements ProjectionEventHandler<BuildReaped> {
  async handle({ events, context }: ProjectedEvents<BuildReaped>): Promise<void> {
    await context.table(BuildEntity).upsert(
      events.map(({ tenantId, position, data }) => ({
        tenantId,
        buildId: data.buildId,
        projectId: data.projectId,
        reaped: true,
        reapedAt: data.reapedAt,
        reapedReason: data.reason ?? null,
        reapedReasonText: data.reasonText ?? null,
        reapedPosition: String(position),
      })),
      { overwrite: ['reaped', 'reapedAt', 'reapedReason', 'reapedReasonText', 'reapedPosition'], onlyIfNewer: ['reapedAt', 'reapedPosition'] },
    );
  }
}

/** The state register: status, submitted state and pinned, as of (its time, log position). */
const stateRow = (tenantId: string, position: number, build: { buildId: string; projectId: string }, at: string, [status, submittedState, pinned]: [string, string | null, boolean]) => ({
  tenantId,
  buildId: build.buildId,
  projectId: build.projectId,
  status,
  submittedState,
  pinned,
  stateAt: at,
  statePosition: String(position),
});

const writeState = (builds: ProjectionTable<BuildEntity>, rows: ReturnType<typeof stateRow>[]) =>
  builds.upsert(rows, { overwrite: ['status', 'submittedState', 'pinned', 'stateAt', 'statePosition'], onlyIfNewer: ['stateAt', 'statePosition'] });

@Projection({
  name: 'builds',
  version: 1,
  entities: [BuildEntity],
  handlers: [ApplyBuildCreated, ApplyBuildUpdated, ApplyBuildDiskUsage, ApplyBuildReaped],
})
export class BuildsProjection {}
