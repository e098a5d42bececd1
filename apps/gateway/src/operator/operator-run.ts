import type { OperatorRun } from './trace-event/trace-event.dto.js';

/** A `worker.runs` row as the operator reads it (SQL: the worker's table, across the app boundary in the one database). */
export const RUN_COLUMNS = `id::text AS id, tenant_id::text AS tenant_id, integration, method, trigger, message_id::text AS message_id, state, attempt, started_at, duration_ms, error_code`;

export interface RunRow {
  id: string;
  tenant_id: string;
  integration: string;
  method: string;
  trigger: string;
  message_id: string | null;
  state: string;
  attempt: number;
  started_at: Date;
  duration_ms: number | null;
  error_code: string | null;
}

export const toRun = (r: RunRow): OperatorRun => ({
  id: r.id,
  tenantId: r.tenant_id,
  integration: r.integration,
  method: r.method,
  trigger: r.trigger,
  messageId: r.message_id,
  state: r.state,
  attempt: r.attempt,
  startedAt: new Date(r.started_at).toISOString(),
  durationMs: r.duration_ms,
  errorCode: r.error_code,
});
