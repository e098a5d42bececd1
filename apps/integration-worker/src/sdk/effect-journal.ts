import { Injectable } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { withRetryPolicy } from '@tributary/messaging';
import { DataSource } from 'typeorm';

import type { OnceOptions } from './integration-handler.js';

/**
 * External effects done once per (idempotency key, name): the intent is committed as `started`
 * before the effect runs and the result as `done` after. A repeat with `done` returns the recorded
 * result; a repeat that finds `started` within its lease waits (retryable `effect_in_progress`: an
 * attempt elsewhere is still at it); after the lease, the effect's `reconcile` decides.
 */
@Injectable()
export class EffectJournal {
  constructor(private readonly dataSource: DataSource) {}

  async once<R>(tenantId: string, key: string, name: string, leaseMs: number, effect: (key: string) => Promise<R>, options: OnceOptions<R>): Promise<R> {
    const claimed = await this.dataSource.query<{ n: string }[]>(
      `WITH c AS (
         INSERT INTO worker.effects (key, name, tenant_id, state, lease_until)
         VALUES ($1, $2, $3, 'started', now() + make_interval(secs => $4::float8))
         ON CONFLICT (key, name) DO NOTHING RETURNING 1
       ) SELECT count(*) AS n FROM c`,
      [key, name, tenantId, leaseMs / 1000],
    );
    if (Number(claimed[0].n) === 0) {
      const [row] = await this.dataSource.query<{ state: string; result: { value: R } | null; remaining_ms: number }[]>(
        `SELECT state, result, extract(epoch FROM lease_until - now()) * 1000 AS remaining_ms FROM worker.effects WHERE key = $1 AND name = $2`,
        [key, name],
      );
      if (row.state === 'done') return row.result!.value;
      const remaining = Number(row.remaining_ms);
      if (remaining > 0) {
        // Another attempt holds the intent (or died holding it): come back around when its lease ends,
        // without using up the handler's attempts.
        const wait = Math.ceil(remaining) + 100;
        throw withRetryPolicy(
          new TributaryError('unavailable', 'effect_in_progress', `${name} is being done by another attempt`),
          { maxAttempts: Number.MAX_SAFE_INTEGER, baseDelayMs: wait, maxDelayMs: wait },
        );
      }
      const known = await options.reconcile(key);
      if (known !== undefined) {
        await this.finish(key, name, known, true);
        return known;
      }
      await this.dataSource.query(
        `UPDATE worker.effects SET lease_until = now() + make_interval(secs => $3::float8), started_at = now() WHERE key = $1 AND name = $2`,
        [key, name, leaseMs / 1000],
      );
    }
    const result = await effect(key);
    await this.finish(key, name, result, false);
    return result;
  }

  private async finish(key: string, name: string, result: unknown, reconciled: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE worker.effects SET state = 'done', result = $3, reconciled = $4, finished_at = now() WHERE key = $1 AND name = $2`,
      [key, name, JSON.stringify({ value: result ?? null }), reconciled],
    );
  }
}
