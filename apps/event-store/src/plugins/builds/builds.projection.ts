import { Topics, type BuildCreated, type BuildDiskUsageUpdated, type BuildReaped, type BuildUpdated } from '@tributary/topics';
import type { StoredEvent } from '../../log/stored-event.js';
import { Projection, type ProjectionContext, type ProjectionHandler } from '../../projections/projection.js';
import { BuildEntity } from './build.entity.js';

/**
 * probo-db's build table, from build events. Unlike probo (delete, then insert: a race, and the
 * last event processed wins), every field group only moves to a newer event — (its time, log
 * position) greater than the one it holds — so reprocessing changes nothing and an older event
 * arriving after a newer one never overwrites it.
 */
@Projection({
  name: 'builds',
  version: 1,
  entities: [BuildEntity],
  events: [Topics.buildCreated, Topics.buildUpdated, Topics.buildDiskUsageUpdated, Topics.buildReaped],
})
export class BuildsProjection implements ProjectionHandler {
  async handle(events: readonly StoredEvent[], context: ProjectionContext): Promise<void> {
    const table = context.table(BuildEntity);
    for (const event of events) {
      const data = event.data as unknown as BuildCreated & BuildUpdated & BuildDiskUsageUpdated & BuildReaped;
      const key = [event.tenantId, data.buildId];
      // The row exists from whichever event of the build comes first.
      await context.manager.query(
        `INSERT INTO ${table} (tenant_id, build_id, project_id) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, build_id) DO NOTHING`,
        [...key, data.projectId],
      );
      switch (event.type) {
        case Topics.buildCreated.name:
          await this.created(context, table, key, event.position, data);
          break;
        case Topics.buildUpdated.name:
          await this.state(context, table, key, event.position, data.updatedAt, [data.status, data.submittedState ?? null, data.pinned ?? false]);
          break;
        case Topics.buildDiskUsageUpdated.name:
          await context.manager.query(
            `UPDATE ${table} SET bytes_real = $4, bytes_virtual = $5, disk_measured_at = $6, disk_position = $3
              WHERE tenant_id = $1 AND build_id = $2 AND (disk_position IS NULL OR (disk_measured_at, disk_position) < ($6::timestamptz, $3::bigint))`,
            [...key, event.position, data.realBytes, data.virtualBytes, data.measuredAt],
          );
          break;
        case Topics.buildReaped.name:
          await context.manager.query(
            `UPDATE ${table} SET reaped = true, reaped_at = $4, reaped_reason = $5, reaped_reason_text = $6, reaped_position = $3
              WHERE tenant_id = $1 AND build_id = $2 AND (reaped_position IS NULL OR (reaped_at, reaped_position) < ($4::timestamptz, $3::bigint))`,
            [...key, event.position, data.reapedAt, data.reason ?? null, data.reasonText ?? null],
          );
          break;
      }
    }
  }

  private async created(context: ProjectionContext, table: string, key: string[], position: number, data: BuildCreated): Promise<void> {
    await context.manager.query(
      `UPDATE ${table} SET project_id = $4, created_at = $5, request_id = $6, branch_name = $7, branch_url = $8, commit_ref = $9,
              commit_url = $10, pull_request_number = $11, pull_request_name = $12, pull_request_url = $13,
              pull_request_description = $14, config = $15, created_position = $3
        WHERE tenant_id = $1 AND build_id = $2 AND (created_position IS NULL OR created_position < $3::bigint)`,
      [
        ...key,
        position,
        data.projectId,
        data.createdAt,
        data.requestId ?? null,
        data.branchName ?? null,
        data.branchUrl ?? null,
        data.commitRef ?? null,
        data.commitUrl ?? null,
        data.pullRequestNumber ?? null,
        data.pullRequestName ?? null,
        data.pullRequestUrl ?? null,
        data.pullRequestDescription ?? null,
        data.config === undefined ? null : JSON.stringify(data.config),
      ],
    );
    // Creation is also the build's first state.
    await this.state(context, table, key, position, data.createdAt, [data.status ?? 'pending', null, data.pinned ?? false]);
  }

  /** A build.updated (or build.created) carries the build's whole state: status, submitted state, pinned. */
  private async state(context: ProjectionContext, table: string, key: string[], position: number, at: string, state: unknown[]): Promise<void> {
    await context.manager.query(
      `UPDATE ${table} SET status = $5, submitted_state = $6, pinned = $7, state_at = $4, state_position = $3
        WHERE tenant_id = $1 AND build_id = $2 AND (state_position IS NULL OR (state_at, state_position) < ($4::timestamptz, $3::bigint))`,
      [...key, position, at, ...state],
    );
  }
}
