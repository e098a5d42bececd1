import { Injectable } from '@nestjs/common';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { CarrierPollBudgetEntity } from './carrier-poll-budget.entity.js';

interface TakenRow {
  granted: number;
  blocked_until: Date | string | null;
  cursor: string;
}

/** What a take answered. */
export interface CarrierPollGrant {
  /** Calls the run may make now (0 when the budget is spent or a Retry-After holds). */
  readonly granted: number;
  /** When a 429's Retry-After ends (ms since the epoch), or 0 when none holds. */
  readonly blockedUntil: number;
  /** Where the round through the open parcels stands: the last tracking id polled ('' from the start). */
  readonly cursor: string;
}

// The bucket brought up to date on the database's clock: `requestsPerMinute` ($2) tokens at most, refilled at
// that many a minute since `refilled_at` (never backwards: a statement that waited on the row may carry an
// earlier now()). Inlined in each SET: every SET expression reads the row as it was before the statement.
const AVAILABLE = `least($2::float8, tokens + greatest(0, extract(epoch FROM (now() - refilled_at))) * $2::float8 / 60)`;
const BLOCKED = `(blocked_until IS NOT NULL AND blocked_until > now())`;
const GRANT = `(CASE WHEN ${BLOCKED} THEN 0 ELSE least($3::int, floor(${AVAILABLE})::int) END)`;

/**
 * Each poller deployment's (carrier account's) request budget, shared by every worker replica through
 * `worker.carrier_poll_budgets`: a token bucket of `requestsPerMinute` tokens refilled continuously at
 * `requestsPerMinute` a minute, so over any T seconds the account sees at most `requestsPerMinute × (1 + T/60)`
 * calls however many replicas poll it, and `requestsPerMinute` a minute in the long run. A run takes what it
 * needs for its batch with one `UPDATE … RETURNING` (the row lock orders concurrent takes), gives back what it
 * did not use and leaves the round's cursor with one more. A 429's Retry-After is kept in the row, so no
 * replica calls before it has passed. A run that finds its budget spent stops and leaves the rest to the
 * next tick (it never waits and never fails for it).
 */
@Injectable()
export class CarrierPollLimiter {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes up to `wanted` calls of the deployment's budget (none while a Retry-After holds). */
  async take(tenant: TenantContext, deploymentId: string, requestsPerMinute: number, wanted: number): Promise<CarrierPollGrant> {
    return withTenant(this.dataSource, tenant, async (db) => {
      const take = () =>
        // SQL: the bucket refilled, taken and written in one statement on the database's clock, atomic across replicas (no ORM
        // form); in a CTE so that every driver answers the rows (a bare UPDATE … RETURNING is [rows, count] on node-postgres)
        db.query<TakenRow[]>(
          `WITH taken AS (
             UPDATE worker.carrier_poll_budgets
                SET granted = ${GRANT},
                    tokens = ${AVAILABLE} - ${GRANT},
                    refilled_at = greatest(refilled_at, now())
              WHERE deployment_id = $1
          RETURNING granted, CASE WHEN ${BLOCKED} THEN blocked_until END AS blocked_until, cursor)
           SELECT * FROM taken`,
          [deploymentId, requestsPerMinute, wanted],
        );
      let [row] = await take();
      if (!row) {
        // The deployment's first poll: a full bucket (another replica may be creating it at the same moment).
        await db
          .createQueryBuilder()
          .insert()
          .into(CarrierPollBudgetEntity)
          .values({ deploymentId, tenantId: tenant.tenantId, tokens: requestsPerMinute, refilledAt: () => 'now()', granted: 0, cursor: '' })
          .orIgnore()
          .execute();
        [row] = await take();
      }
      return { granted: row!.granted, blockedUntil: row!.blocked_until ? new Date(row!.blocked_until).getTime() : 0, cursor: row!.cursor };
    });
  }

  /** The carrier answered 429: no call from any replica before `retryAfterMs` from now. */
  async block(tenant: TenantContext, deploymentId: string, retryAfterMs: number): Promise<void> {
    await withTenant(this.dataSource, tenant, (db) =>
      // SQL: the hold computed on the database's clock, never shortened (interval arithmetic, no ORM form)
      db.query(
        `UPDATE worker.carrier_poll_budgets
            SET blocked_until = greatest(coalesce(blocked_until, now()), now() + $2::float8 * interval '1 millisecond')
          WHERE deployment_id = $1`,
        [deploymentId, retryAfterMs],
      ),
    );
  }

  /** The run is over: `unused` granted calls go back to the bucket (never above its size), and the round goes on after `cursor`. */
  async settle(tenant: TenantContext, deploymentId: string, requestsPerMinute: number, unused: number, cursor: string): Promise<void> {
    await withTenant(this.dataSource, tenant, (db) =>
      // SQL: tokens given back relative to the row's current count, which other replicas change meanwhile (no ORM form)
      db.query(`UPDATE worker.carrier_poll_budgets SET tokens = least($2::float8, tokens + $3::int), cursor = $4 WHERE deployment_id = $1`, [
        deploymentId,
        requestsPerMinute,
        Math.max(0, unused),
        cursor,
      ]),
    );
  }
}

/** Retry-After in seconds or as an HTTP date, in ms from now (the fallback when absent or unreadable). */
export function retryAfterMs(header: unknown, fallbackMs: number, now = Date.now()): number {
  if (typeof header !== 'string' || header.trim() === '') return fallbackMs;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : fallbackMs;
}
