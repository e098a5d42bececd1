import { Injectable } from '@nestjs/common';
import { ChangeSinkConfig } from '../change-sink.config.js';
import type { RoutingRule } from '../table-routing.js';
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
  private readonly routing: Map<string, RoutingRule>;
  private readonly filters: Map<string, Set<string>>;
  /** What is sent of a change does not depend on who receives it: built once, shared (and encoded once). */
  private readonly views = new WeakMap<CapturedChange, DeliveredChange>();

  constructor(config: ChangeSinkConfig) {
    this.routing = config.routing;
    this.filters = config.filters;
  }

  /** What `viewer` receives of `change`, or null when it may not see it. */
  view(change: CapturedChange, viewer: Viewer): DeliveredChange | null {
    if (change.tenantId !== viewer.tenantId) return null;
    const row = (change.op === 'delete' ? change.oldRow : change.row) ?? {};
    if (!this.allows(change, row, viewer)) return null;
    const cached = this.views.get(change);
    if (cached) return cached;
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
   * The user ids a change can reach ('*': every user of its tenant), so that delivery looks only at
   * those users' connections instead of testing every connection. Platform API keys are not in it:
   * they see their whole tenant.
   */
  audience(change: CapturedChange): '*' | string[] {
    if (change.targetUser !== null) return change.targetUser === '*' ? '*' : [change.targetUser];
    const rule = this.routing.get(change.table);
    if (rule === undefined) return [];
    if (rule === '*') return '*';
    const row = (change.op === 'delete' ? change.oldRow : change.row) ?? {};
    return rule.flatMap((column) => (row[column] === null || row[column] === undefined ? [] : [String(row[column])]));
  }

  private allows(change: CapturedChange, row: Record<string, unknown>, viewer: Viewer): boolean {
    if (change.targetUser !== null) return change.targetUser === '*' || (viewer.kind === 'user' && viewer.userId === change.targetUser);
    if (viewer.kind === 'tenant_key') return true;
    const rule = this.routing.get(change.table);
    if (rule === undefined) return false;
    if (rule === '*') return true;
    return rule.some((column) => {
      const value = row[column];
      return value !== null && value !== undefined && String(value) === viewer.userId;
    });
  }

  private filtered(table: string, row: Record<string, unknown>): Record<string, unknown> {
    const removed = this.filters.get(table);
    if (!removed) return row;
    return Object.fromEntries(Object.entries(row).filter(([column]) => !removed.has(column)));
  }
}
