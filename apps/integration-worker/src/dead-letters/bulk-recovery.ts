import { TributaryError } from '@tributary/domain';
import { DeadLetterQueue, type DeadLetterSelection, type DeadLetterSummary } from '@tributary/messaging';
import type { Principal } from '@tributary/tenancy';
import type { DataSource } from 'typeorm';
import { inCallerScope, tenantScopeOf } from '../caller-scope.js';
import { BULK_RECOVERY_DEFAULT_LIMIT, BULK_RECOVERY_SAMPLE, type BulkRecoveryBody, type DeadLetterSelectionBody } from './bulk-recovery.dto.js';

function instant(value: string, name: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1) throw new TributaryError('invalid', 'validation_failed', `${name} is out of range`);
  return date;
}

/** The selection a body names, in the caller's scope (a tenant key: its tenant's letters only; the admin key: all, or one tenant's). */
function selectionOf(caller: Principal, body: DeadLetterSelectionBody): DeadLetterSelection {
  const since = body.since !== undefined ? instant(body.since, 'since') : undefined;
  const until = body.until !== undefined ? instant(body.until, 'until') : undefined;
  if (since && until && until < since) throw new TributaryError('invalid', 'validation_failed', 'until must not be before since');
  if (body.topic === undefined && body.group === undefined && body.errorCode === undefined && !since && !until) {
    throw new TributaryError('invalid', 'validation_failed', 'Name at least one of topic, group, errorCode, since or until');
  }
  const own = tenantScopeOf(caller);
  if (own !== undefined && body.tenantId !== undefined && body.tenantId !== own) {
    throw new TributaryError('forbidden', 'admin_required', "Only the platform admin key recovers another tenant's dead letters");
  }
  return { topic: body.topic, group: body.group, errorCode: body.errorCode, since, until, tenantId: own ?? body.tenantId };
}

/**
 * A bulk redrive or discard: a dry run counts and samples; otherwise batches of up to 100 dead letters, one
 * transaction each (locked, skipping those a concurrent call holds), until `limit` or nothing is left. What was
 * taken is no longer `dead`: a second call does not take it again.
 */
export async function recoverDeadLetters(dataSource: DataSource, caller: Principal, body: DeadLetterSelectionBody, action: 'redrive' | 'discard'): Promise<BulkRecoveryBody> {
  const queue = new DeadLetterQueue();
  const selection = selectionOf(caller, body);
  const matched = await inCallerScope(dataSource, caller, (db) => queue.count(db, selection));
  if (body.dryRun) {
    const sample = await inCallerScope(dataSource, caller, (db) => queue.sample(db, selection, BULK_RECOVERY_SAMPLE));
    return { dryRun: true, matched, done: 0, remaining: matched, sample };
  }
  const limit = body.limit ?? BULK_RECOVERY_DEFAULT_LIMIT;
  const sample: DeadLetterSummary[] = [];
  let done = 0;
  while (done < limit) {
    const batch = await inCallerScope(dataSource, caller, (db) => queue.applyBatch(db, selection, action, limit - done));
    if (batch.length === 0) break;
    done += batch.length;
    sample.push(...batch.slice(0, BULK_RECOVERY_SAMPLE - sample.length));
  }
  const remaining = await inCallerScope(dataSource, caller, (db) => queue.count(db, selection));
  return { dryRun: false, matched, done, remaining, sample };
}
