import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { containsNul, NUL_REFUSED, readable, TributaryError, UNREADABLE } from '@tributary/domain';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource, type QueryDeepPartialEntity } from 'typeorm';
import { LiveSessions } from '../../auth/live-sessions.js';
import { ChangeEntity } from '../../capture/change.entity.js';
import { ChangeReader } from '../../capture/change-reader.js';
import { ChangeSinkConfig } from '../../change-sink.config.js';
import { PublishChange, type Published } from './publish-change.command.js';
import { PublishChangeBody } from './publish-change.dto.js';

/**
 * Writes the published change to the change table like a captured one — so every replica delivers it to its
 * clients and a resuming client gets it — addressed to one user id or `*`. Answers once this replica has handed
 * it out.
 */
@CommandHandler(PublishChange)
export class PublishChangeHandler implements ICommandHandler<PublishChange> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reader: ChangeReader,
    private readonly sessions: LiveSessions,
    private readonly config: ChangeSinkConfig,
  ) {}

  async execute(command: PublishChange): Promise<Published> {
    const tenantId = command.tenant.from === 'client' ? command.tenant.tenantId : this.tenantOfBody(command.input);
    const body = await this.validated(command.input);
    const userId = String(body.userId);
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(ChangeEntity)
      .values({
        tableSchema: '',
        tableName: body.table,
        op: body.type,
        tenantId,
        // Any JSON object: TypeORM's deep-partial type cannot follow an open record.
        row: body.data as QueryDeepPartialEntity<ChangeEntity['row']>,
        changedAt: body.timestamp === undefined ? () => 'now()' : new Date(body.timestamp),
        source: body.source ?? this.config.DEFAULT_SOURCE,
        sourceType: 'api',
        version: body.version ?? 1,
        targetUser: userId,
      })
      // The new change's cursor, as text (set by PostgreSQL).
      .returning('id::text AS id, transaction_id::text AS transaction_id')
      .updateEntity(false)
      .execute();
    const [row] = inserted.raw as { id: string; transaction_id: string }[];
    await this.reader.reached({ transactionId: row.transaction_id, id: row.id });
    return { sentTo: this.sessions.count(tenantId, userId) };
  }

  /** The API publishes into the body's tenant (required with TENANT_COLUMN), else the operator's own. */
  private tenantOfBody(input: unknown): string | null {
    if (!this.config.TENANT_COLUMN) return null;
    const tenantId = (input as { tenantId?: unknown } | null)?.tenantId;
    if (typeof tenantId !== 'string' || tenantId === '') {
      throw new TributaryError('invalid', 'validation_failed', 'tenantId is required: clients are separated by TENANT_COLUMN');
    }
    return tenantId;
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
