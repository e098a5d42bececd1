import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { EventLog, type StreamInfo } from '../event-log.js';
import { streamIdOf } from '../stream-id.js';
import { GetStream } from './get-stream.query.js';

@QueryHandler(GetStream)
export class GetStreamHandler implements IQueryHandler<GetStream> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLog,
  ) {}

  async execute({ caller, streamId }: GetStream): Promise<StreamInfo> {
    const tenant = TenantContext.of(caller);
    const id = streamIdOf(streamId);
    const stream = await withTenant(this.dataSource, tenant, (manager) => this.log.stream(manager, tenant.tenantId, id));
    if (!stream) throw new TributaryError('not_found', 'stream_not_found', `No stream "${id}"`);
    return stream;
  }
}
