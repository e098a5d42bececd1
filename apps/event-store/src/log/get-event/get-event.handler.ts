import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isUuid, TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { EventLog } from '../event-log.js';
import type { StoredEvent } from '../stored-event.js';
import { GetEvent } from './get-event.query.js';

@QueryHandler(GetEvent)
export class GetEventHandler implements IQueryHandler<GetEvent> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLog,
  ) {}

  async execute({ caller, eventId }: GetEvent): Promise<StoredEvent> {
    const tenant = TenantContext.of(caller);
    if (!isUuid(eventId)) throw new TributaryError('invalid', 'event_id_invalid', 'An event id is a UUID');
    const event = await withTenant(this.dataSource, tenant, (manager) => this.log.readEvent(manager, tenant.tenantId, eventId));
    if (!event) throw new TributaryError('not_found', 'event_not_found', 'No such event');
    return event;
  }
}
