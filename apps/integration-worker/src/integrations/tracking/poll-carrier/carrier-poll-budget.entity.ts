import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `worker.carrier_poll_budgets`: each poller deployment's (one carrier account's) request budget, shared by
 * every worker replica — a token bucket of `requestsPerMinute` tokens refilled continuously at that rate per
 * minute, a 429's Retry-After, and where the round through the open parcels stands. Written by
 * CarrierPollLimiter only, one statement a batch.
 */
@Entity({ schema: 'worker', name: 'carrier_poll_budgets' })
export class CarrierPollBudgetEntity {
  @PrimaryColumn('uuid', { name: 'deployment_id' })
  deploymentId: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  /** Calls the account may still make now (fractional: refilled by time), at most `requestsPerMinute`. */
  @Column('double precision')
  tokens: number;

  /** When `tokens` was last brought up to date (the database's clock). */
  @Column('timestamptz', { name: 'refilled_at' })
  refilledAt: Date;

  /** How many calls the last take granted (what that statement returns). */
  @Column('integer')
  granted: number;

  /** A 429's Retry-After: no call before then, from any replica. */
  @Column('timestamptz', { name: 'blocked_until', nullable: true })
  blockedUntil: Date | null;

  /** The last tracking id polled: the next run, on whichever replica, goes on after it ('' from the start). */
  @Column('text')
  cursor: string;
}
