import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../log/stored-event.js';

/**
 * A read model derived from the log. `apply` runs inside the transaction that also moves the
 * projection's checkpoint, and must be idempotent per event (replays and redeliveries change nothing).
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  /** Event types (topic names) the projection reads; others only move its checkpoint. */
  readonly handles: readonly string[];
  apply(manager: EntityManager, event: StoredEvent): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');
