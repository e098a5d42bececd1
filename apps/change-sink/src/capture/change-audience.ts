import { Injectable } from '@nestjs/common';
import { ChangeSinkConfig } from '../change-sink.config.js';
import type { RoutingRule } from '../table-routing.js';
import type { CapturedChange } from './captured-change.js';

/**
 * The user ids a change can reach ('*': every user of its tenant): a published change's addressee, else what its
 * table's TABLE_AUTH_COLUMN_ROUTING rule finds in the row (the new row; the old one on delete); a table without a
 * rule reaches no user. The reader hands a change only to those users' streams (delivery is O(recipients), not
 * O(connections)), and the change policy lets a user see it only if named here. Platform API keys are not in it:
 * they see their whole tenant. Worked out once per change.
 */
@Injectable()
export class ChangeAudience {
  private readonly routing: Map<string, RoutingRule>;
  private readonly audiences = new WeakMap<CapturedChange, '*' | readonly string[]>();

  constructor(config: ChangeSinkConfig) {
    this.routing = config.routing;
  }

  of(change: CapturedChange): '*' | readonly string[] {
    let audience = this.audiences.get(change);
    if (audience === undefined) this.audiences.set(change, (audience = this.find(change)));
    return audience;
  }

  private find(change: CapturedChange): '*' | readonly string[] {
    if (change.targetUser !== null) return change.targetUser === '*' ? '*' : [change.targetUser];
    const rule = this.routing.get(change.table);
    if (rule === undefined) return [];
    if (rule === '*') return '*';
    const row = (change.op === 'delete' ? change.oldRow : change.row) ?? {};
    return rule.flatMap((column) => (row[column] === null || row[column] === undefined ? [] : [String(row[column])]));
  }
}
