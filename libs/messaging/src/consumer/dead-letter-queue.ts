import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';
import { deferMessage } from './deferred-messages.js';

export const DEAD_LETTER_STATUSES = ['dead', 'redriven', 'resolved', 'discarded'] as const;
/** dead: waiting for someone; redriven: back in its group's retries; resolved: a redrive succeeded; discarded: given up. */
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export interface DeadLetterSummary {
  readonly id: string;
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly messageId: string;
  readonly tenantId: string | null;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly status: DeadLetterStatus;
  readonly redrives: number;
  readonly deadAt: string;
  readonly updatedAt: string;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  /** The message exactly as it was received (it may be malformed or forged). */
  readonly envelope: unknown;
}

export interface DeadLetterFilter {
  readonly group?: string;
  readonly topic?: string;
  /** Only this tenant's dead letters (what a tenant key is limited to). */
  readonly tenantId?: string;
  /** Default: `dead`. */
  readonly status?: DeadLetterStatus;
  /** Cursor: ids greater than this one. */
  readonly after?: string;
  readonly limit?: number;
}

interface Row {
  id: string;
  group_id: string;
  topic: string;
  partition: number;
  offset: string;
  message_id: string;
  tenant_id: string | null;
  key: string | null;
  error_code: string;
  error_message: string;
  attempts: number;
  status: DeadLetterStatus;
  redrives: number;
  dead_at: Date;
  updated_at: Date;
  envelope?: unknown;
}

const COLUMNS = `id, group_id, topic, partition, "offset", message_id, tenant_id, key, error_code, error_message, attempts,
  status, redrives, dead_at, updated_at`;

const toSummary = (r: Row): DeadLetterSummary => ({
  id: String(r.id),
  group: r.group_id,
  topic: r.topic,
  partition: r.partition,
  offset: String(r.offset),
  messageId: r.message_id,
  tenantId: r.tenant_id,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  attempts: r.attempts,
  status: r.status,
  redrives: r.redrives,
  deadAt: new Date(r.dead_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

const notFound = () => new TributaryError('not_found', 'dead_letter_not_found', 'No such dead letter');
const ID = /^[1-9]\d{0,17}$/;

/**
 * The dead-letter queue both transports write to (`messaging.dead_letters`): list, show, redrive
 * (back into its group's durable retries, behind any message of its key waiting there) and discard.
 */
export class DeadLetterQueue {
  async list(q: Queryable, filter: DeadLetterFilter = {}): Promise<DeadLetterSummary[]> {
    const rows = await q.query<Row>(
      `SELECT ${COLUMNS} FROM messaging.dead_letters
        WHERE status = $1 AND ($2::text IS NULL OR group_id = $2) AND ($3::text IS NULL OR topic = $3)
          AND ($4::text IS NULL OR tenant_id = $4) AND id > $5
        ORDER BY id LIMIT $6`,
      [filter.status ?? 'dead', filter.group ?? null, filter.topic ?? null, filter.tenantId ?? null, filter.after ?? '0', filter.limit ?? 100],
    );
    return rows.map(toSummary);
  }

  async get(q: Queryable, id: string, tenantId?: string): Promise<DeadLetterDetail> {
    const row = await this.find(q, id, tenantId, false);
    return { ...toSummary(row), envelope: row.envelope };
  }

  /**
   * Sends a dead letter back to its consumer group: it is retried from attempt 1 with the group's
   * (or its handler's) policy, in order behind its key's waiting messages. Run inside a transaction.
   */
  async redrive(q: Queryable, id: string, tenantId?: string): Promise<DeadLetterSummary> {
    const row = await this.find(q, id, tenantId, true);
    if (row.status !== 'dead') {
      throw new TributaryError('conflict', 'dead_letter_not_dead', `Dead letter ${id} is ${row.status}; only dead ones can be redriven`);
    }
    await deferMessage(
      q,
      row.group_id,
      {
        topic: row.topic,
        partition: row.partition,
        offset: row.offset,
        key: row.key ?? keyOf(row.envelope),
        messageId: row.message_id,
        tenantId: row.tenant_id,
        envelope: row.envelope,
      },
      { attempts: 0, dueInMs: 0, deadLetterId: String(row.id) },
    );
    return this.setStatus(q, row, 'redriven', true);
  }

  /** Gives a dead letter up; it stays listed under `discarded`. Run inside a transaction. */
  async discard(q: Queryable, id: string, tenantId?: string): Promise<DeadLetterSummary> {
    const row = await this.find(q, id, tenantId, true);
    if (row.status !== 'dead') {
      throw new TributaryError('conflict', 'dead_letter_not_dead', `Dead letter ${id} is ${row.status}; only dead ones can be discarded`);
    }
    return this.setStatus(q, row, 'discarded', false);
  }

  private async setStatus(q: Queryable, row: Row, status: DeadLetterStatus, redrive: boolean): Promise<DeadLetterSummary> {
    const [updated] = await q.query<Row>(
      `WITH u AS (
         UPDATE messaging.dead_letters SET status = $2, redrives = redrives + $3, updated_at = now() WHERE id = $1
         RETURNING ${COLUMNS}
       ) SELECT * FROM u`,
      [row.id, status, redrive ? 1 : 0],
    );
    return toSummary(updated);
  }

  private async find(q: Queryable, id: string, tenantId: string | undefined, lock: boolean): Promise<Row> {
    if (!ID.test(id)) throw notFound();
    const [row] = await q.query<Row>(
      `SELECT ${COLUMNS}, envelope FROM messaging.dead_letters WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)${lock ? ' FOR UPDATE' : ''}`,
      [id, tenantId ?? null],
    );
    if (!row) throw notFound();
    return row;
  }
}

function keyOf(envelope: unknown): string {
  const e = (envelope ?? {}) as Partial<Envelope>;
  return partitionKeyOf({ tenantid: String(e.tenantid ?? ''), subject: String(e.subject ?? '') });
}
