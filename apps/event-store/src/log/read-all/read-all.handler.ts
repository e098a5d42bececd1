import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { isTopicName } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { EventLog } from '../event-log.js';
import { pageSize } from '../page-params.js';
import { formatLogCursor, LOG_START, parseLogCursor } from '../stored-event.js';
import { ReadAll, type AllPage } from './read-all.query.js';

function dateOf(name: 'from' | 'to', value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new TributaryError('invalid', `${name}_invalid`, `${name} must be an ISO-8601 date-time`);
  }
  return date;
}

@QueryHandler(ReadAll)
export class ReadAllHandler implements IQueryHandler<ReadAll> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLog,
  ) {}

  async execute({ caller, filter }: ReadAll): Promise<AllPage> {
    const tenant = TenantContext.of(caller);
    const after = filter.after ? parseLogCursor(filter.after) : LOG_START;
    const unknown = filter.types?.find((type) => !isTopicName(type));
    if (unknown) throw new TributaryError('invalid', 'topic_unknown', `Unknown event type "${unknown}"`);
    const options = { types: filter.types, from: dateOf('from', filter.from), to: dateOf('to', filter.to), after, limit: pageSize(filter.limit) };
    const events = await withTenant(this.dataSource, tenant, (manager) => this.log.readAll(manager, { ...options, tenantId: tenant.tenantId }));
    return { events, cursor: events.at(-1)?.cursor ?? formatLogCursor(after) };
  }
}
