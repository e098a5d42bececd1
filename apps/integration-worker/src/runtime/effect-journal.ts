import { Injectable, Logger } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { describeError, withRetryPolicy } from '@tributary/messaging';
import { DataSource } from 'typeorm';

import type { EffectAttempt, OnceOptions } from '../sdk/integration-handler.js';

/** How an attempt came to hold an effect's intent. */
type Claim = 'new' | 'take-over' | 'repeat';

interface Intent {
  /** Tells this attempt's intent apart from another attempt's (to the microsecond). */
  readonly startedAt: string;
  /** Done again while an earlier attempt's outcome is unknown (`onUnknown: 'repeat'`). */
  readonly repeat: boolean;
}

/**
 * External effects done once per (idempotency key, name): the intent is committed as `started`
 * before the effect runs and the result as `done` after. A repeat with `done` returns the recorded
 * result; a repeat that finds `started` within its lease waits (retryable `effect_in_progress`: an
 * attempt elsewhere is still at it). After the lease the earlier attempt's outcome is unknown (it
 * died during the effect), and the effect's `onUnknown` decides: `repeat` does it again under the
 * same identity and counts the repeat (`repeats`: at-least-once, the receiver drops the repeat by
 * the identity); otherwise `reconcile` gives it up or shows it did not happen (at-most-once).
 * An effect that throws did not happen, or failed for good: its intent is released (the error goes
 * on to the handler), so `started` stands only for attempts that died between their intent and their
 * outcome, and a retry does the effect again.
 */
@Injectable()
export class EffectJournal {
  private readonly logger = new Logger('EffectJournal');

  constructor(private readonly dataSource: DataSource) {}

  async once<R>(
    tenantId: string,
    key: string,
    name: string,
    leaseMs: number,
    effect: (key: string, attempt: EffectAttempt) => Promise<R>,
    options: OnceOptions<R>,
  ): Promise<R> {
    const intent = await this.intend(tenantId, key, name, leaseMs, options);
    if ('known' in intent) return intent.known;
    let result: R;
    try {
      result = await effect(key, { repeat: intent.repeat });
    } catch (error) {
      await this.release(key, name, intent, error);
      throw error;
    }
    await this.finish(key, name, result, false);
    return result;
  }

  /** Records this attempt's intent, or finds the effect's outcome. */
  private async intend<R>(tenantId: string, key: string, name: string, leaseMs: number, options: OnceOptions<R>): Promise<Intent | { known: R }> {
    const identity = options.onUnknown === 'repeat' ? options.identity : null;
    for (;;) {
      const startedAt = await this.claim(tenantId, key, name, leaseMs, identity, 'new');
      if (startedAt !== undefined) return { startedAt, repeat: false };
      // SQL: the effect journal (lease arithmetic on the database's clock)
      const [row] = await this.dataSource.query<{ state: string; result: { value: R } | null; identity: string | null; remaining_ms: number }[]>(
        `SELECT state, result, identity, extract(epoch FROM lease_until - now()) * 1000 AS remaining_ms FROM worker.effects WHERE key = $1 AND name = $2`,
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
      if (options.onUnknown === 'repeat') {
        if (row.identity !== null && row.identity !== identity) {
          // A caller bug (an identity that is not stable): the repeat goes out even so — a customer would
          // rather get it twice than not at all — but its receiver cannot recognise it.
          this.logger.warn(`${name} is done again under another identity than its earlier attempt's: its receiver cannot drop the repeat`);
        }
        const repeatedAt = await this.claim(tenantId, key, name, leaseMs, identity, 'repeat');
        if (repeatedAt !== undefined) return { startedAt: repeatedAt, repeat: true };
        continue; // done, released or taken over by another attempt meanwhile: look again
      }
      const known = await options.reconcile(key);
      if (known !== undefined) {
        await this.finish(key, name, known, true);
        return { known };
      }
      const takenOver = await this.claim(tenantId, key, name, leaseMs, identity, 'take-over');
      if (takenOver !== undefined) return { startedAt: takenOver, repeat: false };
      // Done, released or taken over by another attempt meanwhile: look again.
    }
  }

  /**
   * Commits an intent (`started`, leased): a new one, or — taking over or repeating — one whose
   * lease ran out without an outcome (a repeat is counted). Returns when it started (to the
   * microsecond), or undefined if another attempt's intent or the outcome is there.
   */
  private async claim(tenantId: string, key: string, name: string, leaseMs: number, identity: string | null, how: Claim): Promise<string | undefined> {
    const conflict =
      how === 'new'
        ? 'DO NOTHING'
        : `DO UPDATE SET lease_until = excluded.lease_until, started_at = now(), identity = excluded.identity
             ${how === 'repeat' ? ', repeats = worker.effects.repeats + 1' : ''}
           WHERE worker.effects.state = 'started' AND worker.effects.lease_until <= now()`;
    // SQL: the effect journal's claim, `ON CONFLICT ... DO UPDATE ... WHERE` (no ORM form)
    const [claimed] = await this.dataSource.query<{ started_at: string; repeats: number }[]>(
      `WITH c AS (
         INSERT INTO worker.effects (key, name, tenant_id, state, identity, lease_until)
         VALUES ($1, $2, $3, 'started', $4, now() + make_interval(secs => $5::float8))
         ON CONFLICT (key, name) ${conflict} RETURNING started_at, repeats
       ) SELECT started_at::text AS started_at, repeats FROM c`,
      [key, name, tenantId, identity, leaseMs / 1000],
    );
    if (claimed && how === 'repeat') {
      this.logger.warn(`${name} is done again (repeat ${claimed.repeats}): an earlier attempt died before its outcome was recorded`);
    }
    return claimed?.started_at;
  }

  private async finish(key: string, name: string, result: unknown, reconciled: boolean): Promise<void> {
    // SQL: the effect journal, beside its claim and release (one statement)
    await this.dataSource.query(
      `UPDATE worker.effects SET state = 'done', result = $3, reconciled = $4, finished_at = now() WHERE key = $1 AND name = $2`,
      [key, name, JSON.stringify({ value: result ?? null }), reconciled],
    );
  }

  /**
   * Gives up the intent of an attempt whose effect threw — unless another attempt took it over
   * meanwhile (this one outlived its lease). A first attempt's intent is removed: nothing happened.
   * A repeat's goes back to what it replaced — the earlier attempt's, outcome unknown, lease run out —
   * so the next attempt repeats it again and the count stays true. If the database cannot, the intent
   * stays as a crash would leave it.
   */
  private async release(key: string, name: string, intent: Intent, failure: unknown): Promise<void> {
    // SQL: the effect journal's release, conditional on this attempt's intent (one statement)
    const statement = intent.repeat
      ? `UPDATE worker.effects SET lease_until = now(), repeats = repeats - 1
          WHERE key = $1 AND name = $2 AND state = 'started' AND started_at = $3::timestamptz`
      : `DELETE FROM worker.effects WHERE key = $1 AND name = $2 AND state = 'started' AND started_at = $3::timestamptz`;
    await this.dataSource
      .query(statement, [key, name, intent.startedAt])
      .catch((error: unknown) =>
        this.logger.warn(`Could not release the intent of ${name} after it failed (${describeError(failure).code}): ${describeError(error).message}`),
      );
  }
}
