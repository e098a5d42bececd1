import { Injectable } from '@nestjs/common';
import { containsNul, NUL_REFUSED, readable, TributaryError, UNREADABLE } from '@tributary/domain';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../../change-sink.config.js';
import { ChangeReader } from '../../capture/change-reader.js';
import { LiveSessions } from '../../auth/live-sessions.js';
import { PublishChangeBody } from './publish-change.body.js';

/**
 * Publishes a change that no table holds (esink's API publish): it is written to the change table
 * like a captured one — so every replica delivers it to its clients and a resuming client gets it —
 * addressed to one user id or `*`, within one tenant. Answers once this replica has handed it out.
 */
@Injectable()
export class PublishChange {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reader: ChangeReader,
    private readonly sessions: LiveSessions,
    private readonly config: ChangeSinkConfig,
  ) {}

  /** `tenantId`: the tenant it is published in — the socket's own, or (API) the body's. */
  async publish(input: unknown, tenantId: string | null): Promise<{ sentTo: number }> {
    const body = await this.validated(input);
    const userId = String(body.userId);
    const [row] = await this.dataSource.query<{ id: string; transaction_id: string }[]>(
      `INSERT INTO change_sink.changes (table_schema, table_name, op, tenant_id, row, changed_at, source, source_type, version, target_user)
       VALUES ('', $1, $2, $3, $4::jsonb, COALESCE(to_timestamp($5::double precision / 1000), now()), $6, 'api', $7, $8)
       RETURNING id::text, transaction_id::text`,
      [body.table, body.type, tenantId, JSON.stringify(body.data), body.timestamp ?? null, body.source ?? this.config.DEFAULT_SOURCE, body.version ?? 1, userId],
    );
    await this.reader.reached({ transactionId: row.transaction_id, id: row.id });
    return { sentTo: this.sessions.count(tenantId, userId) };
  }

  /** The API publishes into the body's tenant (required with TENANT_COLUMN), else the operator's own. */
  async publishFromApi(input: unknown): Promise<{ sentTo: number }> {
    const tenantId = (input as { tenantId?: unknown } | null)?.tenantId;
    if (this.config.TENANT_COLUMN && (typeof tenantId !== 'string' || tenantId === '')) {
      throw new TributaryError('invalid', 'validation_failed', 'tenantId is required: clients are separated by TENANT_COLUMN');
    }
    return this.publish(input, this.config.TENANT_COLUMN ? (tenantId as string) : null);
  }

  private async validated(input: unknown): Promise<PublishChangeBody> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new TributaryError('invalid', 'validation_failed', 'The body must be a JSON object');
    }
    // Over HTTP the edge refuses it already; a socket.io message does not pass there.
    if (containsNul(input)) throw new TributaryError('invalid', NUL_REFUSED.code, NUL_REFUSED.message);
    const body = readable(() => plainToInstance(PublishChangeBody, input), () => new TributaryError('invalid', 'validation_failed', `The body ${UNREADABLE}`));
    const errors = await validate(body, { whitelist: true });
    if (errors.length > 0) {
      throw new TributaryError(
        'invalid',
        'validation_failed',
        errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` })).join('; '),
        { fields: errors.map((e) => e.property) },
      );
    }
    return body;
  }
}
