import type { PackageStatus } from '@tributary/domain';

/** How far along a parcel is; a package never moves to a lower rank (except out of an exception). */
const RANK: Record<PackageStatus, number> = {
  unknown: 0,
  pre_transit: 1,
  in_transit: 2,
  out_for_delivery: 3,
  exception: 3,
  delivered: 4,
  returned: 5,
};

const TERMINAL: ReadonlySet<PackageStatus> = new Set(['returned']);

export interface PackageState {
  readonly status: PackageStatus;
  readonly statusAt: Date;
}

/**
 * What a carrier event does to a package:
 * - `applied`: a real transition;
 * - `stale`: it happened before the package's current state (late news, kept in the history only);
 * - `same`: the package is already in that state;
 * - `regression`: newer, but it would move the package backwards (carrier noise);
 * - `ignored`: a status we could not understand (`unknown`).
 */
export type Verdict = 'applied' | 'stale' | 'same' | 'regression' | 'ignored';

/**
 * The package state machine: from information received (pre_transit) through in_transit and
 * out_for_delivery to delivered, exception or returned. An exception may recover to any state from
 * in_transit on; delivered may still become returned; returned is final.
 */
export function decide(current: PackageState | undefined, event: { status: PackageStatus; occurredAt: Date }): Verdict {
  if (event.status === 'unknown') return 'ignored';
  if (!current) return 'applied';
  if (event.occurredAt.getTime() <= current.statusAt.getTime()) return event.status === current.status ? 'same' : 'stale';
  if (event.status === current.status) return 'same';
  if (TERMINAL.has(current.status)) return 'regression';
  if (current.status === 'exception') return RANK[event.status] >= RANK.in_transit ? 'applied' : 'regression';
  if (event.status === 'exception') return current.status === 'delivered' ? 'regression' : 'applied';
  return RANK[event.status] > RANK[current.status] ? 'applied' : 'regression';
}
