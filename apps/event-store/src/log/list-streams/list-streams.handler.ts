import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { EventLog } from '../event-log.js';
import { pageSize } from '../page-params.js';
import { ListStreams, type StreamList } from './list-streams.query.js';

@QueryHandler(ListStreams)
export class ListStreamsHandler implements IQueryHandler<ListStreams> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLog,
  ) {}

  async execute({ caller, options }: ListStreams): Promise<StreamList> {
    const tenant = TenantContext.of(caller);
    const limit = pageSize(options.limit);
    const streams = await withTenant(this.dataSource, tenant, (manager) =>
      this.log.streams(manager, tenant.tenantId, { after: options.after, prefix: options.prefix, limit }),
    );
    return { streams, next: streams.length === limit ? streams[streams.length - 1].streamId : null };
  }
}
