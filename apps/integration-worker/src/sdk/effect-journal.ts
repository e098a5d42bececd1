import { Injectable, Logger } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { describeError, withRetryPolicy } from '@tributary/messaging';
import { DataSource } from 'typeorm';

import type { OnceOptions } from './integration-handler.js';

/**
 * External effects done once per (idempotency key, name): the intent is committed as `started`
 * before the effect runs and the result as `done` after. A repeat with `done` returns the recorded
 * result; a repeat that finds `started` within its lease waits (retryable `effect_in_progress`: an
 * attempt elsewhere is still at it); after the lease, the effect's `reconcile` decides. An effect
 * that throws did not happen, or failed for good: its intent is released (the error goes on to the
 * handler), so `started` stands only for an attempt that died between its intent and its outcome,
 * and a retry does the effect again.
 */
@Injectable()
export class EffectJournal {
  private readonly logger = new Logger('EffectJournal');

  constructor(private readonly dataSource: DataSource) {}

  async once<R>(tenantId: string, key: string, name: string, leaseMs: number, effect: (key: string) => Promise<R>, options: OnceOptions<R>): Promise<R> {
    const intent = await this.intend(tenantId, key, name, leaseMs, options);
    if ('known' in intent) return intent.known;
    let result: R;
    try {
      result = await effect(key);
    } catch (error) {
      await this.release(key, name, intent.startedAt, error);
      throw error;
    }
    await this.finish(key, name, result, false);
    return result;
  }

  /** Records this attempt's intent — `startedAt` tells it apart from another attempt's — or finds the effect's outcome. */
  private async intend<R>(tenantId: string, key: string, name: string, leaseMs: number, options: OnceOptions<R>): Promise<{ startedAt: string } | { known: R }> {
    for (;;) {
      const startedAt = await this.claim(tenantId, key, name, leaseMs, false);
      if (startedAt !== undefined) return { startedAt };
      const [row] = await this.dataSource.query<{ state: string; result: { value: R } | null; remaining_ms: number }[]>(
        `SELECT state, result, extract(epoch FROM lease_until - now()) * 1000 AS remaining_ms FROM worker.effects WHERE key = $1 AND name = $2`,
        [key, name],
      );
      if (!row) continue; // released since: claim it afresh
      if (row.state === 'done') return { known: row.result!.value };
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
        return { known };
      }
      const takenOver = await this.claim(tenantId, key, name, leaseMs, true);
      if (takenOver !== undefined) return { startedAt: takenOver };
      // Done, released or taken over by another attempt meanwhile: look again.
    }
  }

  /**
   * Commits an intent (`started`, leased): a new one, or — `takeOver` — one whose lease ran out
   * without an outcome. Returns when it started (to the microsecond), or undefined if another
   * attempt's intent or the outcome is there.
   */
  private async claim(tenantId: string, key: string, name: string, leaseMs: number, takeOver: boolean): Promise<string | undefined> {
    const conflict = takeOver
      ? `DO UPDATE SET lease_until = excluded.lease_until, started_at = now()
           WHERE worker.effects.state = 'started' AND worker.effects.lease_until <= now()`
      : 'DO NOTHING';
    const [claimed] = await this.dataSource.query<{ started_at: string }[]>(
      `WITH c AS (
         INSERT INTO worker.effects (key, name, tenant_id, state, lease_until)
         VALUES ($1, $2, $3, 'started', now() + make_interval(secs => $4::float8))
         ON CONFLICT (key, name) ${conflict} RETURNING started_at
       ) SELECT started_at::text AS started_at FROM c`,
      [key, name, tenantId, leaseMs / 1000],
    );
    return claimed?.started_at;
  }

  private async finish(key: string, name: string, result: unknown, reconciled: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE worker.effects SET state = 'done', result = $3, reconciled = $4, finished_at = now() WHERE key = $1 AND name = $2`,
      [key, name, JSON.stringify({ value: result ?? null }), reconciled],
    );
  }

  /**
   * Removes the intent of an attempt whose effect threw — unless another attempt took it over
   * meanwhile (this one outlived its lease). If the database cannot, the intent stays as a crash
   * would leave it: after its lease, `reconcile` decides.
   */
  private async release(key: string, name: string, startedAt: string, failure: unknown): Promise<void> {
    await this.dataSource
      .query(
        `WITH r AS (
           DELETE FROM worker.effects WHERE key = $1 AND name = $2 AND state = 'started' AND started_at = $3::timestamptz RETURNING 1
         ) SELECT count(*) AS n FROM r`,
        [key, name, startedAt],
      )
      .catch((error: unknown) =>
        this.logger.warn(`Could not release the intent of ${name} after it failed (${describeError(failure).code}): ${describeError(error).message}`),
      );
  }
}
