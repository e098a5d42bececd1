import { Injectable } from '@nestjs/common';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { ChangeAudience } from '../capture/change-audience.js';
import type { CapturedChange } from '../capture/captured-change.js';
import type { Viewer } from '../auth/viewer.js';

/** A change as clients receive it — esink's shape, with `id` the cursor to resume after. */
export interface DeliveredChange {
  readonly id: string;
  readonly table: string;
  readonly type: CapturedChange['op'];
  readonly data: Record<string, unknown>;
  readonly source: string;
  readonly source_type: CapturedChange['sourceType'];
  readonly timestamp: number;
  readonly version: number;
}

/**
 * Who may see a change, and what of it. Never across tenants (the change's tenant must be the
 * viewer's; the operator database without TENANT_COLUMN is a tenant of its own, which platform API
 * keys never belong to). Within a tenant, a platform API key sees everything; a user sees a table
 * only through its TABLE_AUTH_COLUMN_ROUTING rule — `*`, or one of the rule's columns equal to its
 * user id — and a table without a rule is seen by no user. Published changes go to their target
 * user (or `*`: the whole tenant). FILTERS columns are removed from what is sent.
 */
@Injectable()
export class ChangePolicy {
  private readonly filters: Map<string, Set<string>>;
  /** What is sent of a change does not depend on who receives it: built once, shared (and encoded once). */
  private readonly views = new WeakMap<CapturedChange, DeliveredChange>();

  constructor(
    config: ChangeSinkConfig,
    private readonly audiences: ChangeAudience,
  ) {
    this.filters = config.filters;
  }

  /** What `viewer` receives of `change`, or null when it may not see it. */
  view(change: CapturedChange, viewer: Viewer): DeliveredChange | null {
    if (change.tenantId !== viewer.tenantId) return null;
    if (!this.allows(change, viewer)) return null;
    const cached = this.views.get(change);
    if (cached) return cached;
    const row = (change.op === 'delete' ? change.oldRow : change.row) ?? {};
    const view: DeliveredChange = {
      id: change.cursor,
      table: change.table,
      type: change.op,
      data: this.filtered(change.table, row),
      source: change.source,
      source_type: change.sourceType,
      timestamp: change.changedAt.getTime(),
      version: change.version,
    };
    this.views.set(change, view);
    return view;
  }

  /**
   * A user sees what its audience names; a platform API key sees every captured change of its tenant, and of
   * published ones those sent to everyone.
   */
  private allows(change: CapturedChange, viewer: Viewer): boolean {
    // Before the routing: a key sees its tenant's rows even where a table's rule cannot be evaluated.
    if (viewer.kind === 'tenant_key') return change.targetUser === null || change.targetUser === '*';
    const audience = this.audiences.of(change);
    return audience === '*' || audience.includes(viewer.userId);
  }

  private filtered(table: string, row: Record<string, unknown>): Record<string, unknown> {
    const removed = this.filters.get(table);
    if (!removed) return row;
    return Object.fromEntries(Object.entries(row).filter(([column]) => !removed.has(column)));
  }
}
