import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { canonicalJson, describeError } from '@tributary/messaging';

export type RunState = 'init' | 'ok' | 'fail' | 'skip' | 'pending';

export interface RunStart {
  readonly tenantId: string;
  readonly integration: string;
  readonly method: string;
  readonly actionId?: string;
  readonly deploymentId?: string;
  readonly trigger: 'topic' | 'schedule' | 'manual';
  readonly messageId: string;
  readonly attempt: number;
}

export interface RunEnd {
  readonly state: Exclude<RunState, 'init'>;
  readonly durationMs: number;
  readonly outputs?: number;
  readonly response?: unknown;
  readonly foreignId?: string;
  readonly skipReason?: string;
  readonly error?: unknown;
  /** `once` effects done again because a crash had left their outcome unknown. */
  readonly repeatedEffects?: number;
}

/** SHA-256 of the answer's canonical JSON: proves what came back without keeping it (it may hold personal data). */
export const responseHash = (response: unknown): string | null =>
  response === undefined ? null : createHash('sha256').update(canonicalJson(response)).digest('hex');

/**
 * Run records: one row per handler execution (init → ok / fail / skip), with its duration, the
 * hash of the external answer, the external id of what it created and its error. Never a credential:
 * errors are stored by code and message, and messages are written by the platform.
 */
@Injectable()
export class RunRecorder {
  /** A run of an action that calls out: recorded as `init` before anything happens, so a crash leaves a trace. */
  async begin(q: Queryable, run: RunStart): Promise<string> {
    const id = randomUUID();
    // SQL: hot path, the run state machine's writes (one statement each, on the runtime's Queryable)
    await q.query(
      `INSERT INTO worker.runs (id, tenant_id, integration, method, action_id, deployment_id, trigger, message_id, state, attempt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'init', $9)`,
      [id, run.tenantId, run.integration, run.method, run.actionId ?? null, run.deploymentId ?? null, run.trigger, run.messageId, run.attempt],
    );
    return id;
  }

  /** Finishes a run begun with `begin`, or writes it whole when `id` is undefined. */
  async end(q: Queryable, id: string | undefined, run: RunStart, end: RunEnd): Promise<void> {
    const values = endValues(end);
    if (id) {
      // SQL: hot path, the run's end (one statement)
      await q.query(
        `UPDATE worker.runs SET state = $2, duration_ms = $3, outputs = $4, response_hash = $5, foreign_id = $6, skip_reason = $7,
                error_code = $8, error_message = $9, repeated_effects = $10, attempt = $11, finished_at = now() WHERE id = $1`,
        // A run by hand or by schedule keeps one record across its message's attempts: it ends at the latest.
        [id, ...values, run.attempt],
      );
      return;
    }
    // SQL: hot path, a run written whole at its end (one statement)
    await q.query(
      `INSERT INTO worker.runs (id, tenant_id, integration, method, action_id, deployment_id, trigger, message_id, attempt,
                                state, duration_ms, outputs, response_hash, foreign_id, skip_reason, error_code, error_message, repeated_effects, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())`,
      [randomUUID(), run.tenantId, run.integration, run.method, run.actionId ?? null, run.deploymentId ?? null, run.trigger, run.messageId, run.attempt, ...values],
    );
  }

  /** `end` for many runs: those begun finished one by one (they are rare: actions), the others written in one statement. */
  async endAll(q: Queryable, runs: readonly { id: string | undefined; run: RunStart; end: RunEnd }[]): Promise<void> {
    for (const { id, run, end } of runs) if (id) await this.end(q, id, run, end);
    const whole = runs.filter((r) => !r.id);
    if (whole.length === 0) return;
    const rows = whole.map(({ run, end }) => {
      const [state, duration_ms, outputs, response_hash, foreign_id, skip_reason, error_code, error_message, repeated_effects] = endValues(end);
      return {
        id: randomUUID(),
        tenant_id: run.tenantId,
        integration: run.integration,
        method: run.method,
        action_id: run.actionId ?? null,
        deployment_id: run.deploymentId ?? null,
        trigger: run.trigger,
        message_id: run.messageId,
        attempt: run.attempt,
        ...{ state, duration_ms, outputs, response_hash, foreign_id, skip_reason, error_code, error_message, repeated_effects },
      };
    });
    // SQL: hot path, a batch's run records in one statement (jsonb_to_recordset, no ORM form)
    await q.query(
      `INSERT INTO worker.runs (id, tenant_id, integration, method, action_id, deployment_id, trigger, message_id, attempt,
                                state, duration_ms, outputs, response_hash, foreign_id, skip_reason, error_code, error_message, repeated_effects, finished_at)
       SELECT id, tenant_id, integration, method, action_id, deployment_id, trigger, message_id, attempt,
              state, duration_ms, outputs, response_hash, foreign_id, skip_reason, error_code, error_message, repeated_effects, now()
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, tenant_id uuid, integration text, method text, action_id uuid, deployment_id uuid,
              trigger text, message_id uuid, attempt int, state text, duration_ms int, outputs int, response_hash text, foreign_id text,
              skip_reason text, error_code text, error_message text, repeated_effects int)`,
      [JSON.stringify(rows)],
    );
  }
}

/** The columns a run's end sets, in the order `end` writes them. */
function endValues(end: RunEnd) {
  const error = end.error === undefined ? undefined : describeError(end.error);
  return [
    end.state,
    end.durationMs,
    end.outputs ?? 0,
    responseHash(end.response),
    end.foreignId?.slice(0, 500) ?? null,
    end.skipReason?.slice(0, 500) ?? null,
    error?.code ?? null,
    error?.message.slice(0, 2000) ?? null,
    end.repeatedEffects ?? 0,
  ] as const;
}
