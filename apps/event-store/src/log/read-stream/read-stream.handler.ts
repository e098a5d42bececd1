import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { EventLog } from '../event-log.js';
import { pageSize } from '../page-params.js';
import { streamIdOf } from '../stream-id.js';
import { MAX_STREAM_VERSION, ReadStream, type StreamPage } from './read-stream.query.js';

@QueryHandler(ReadStream)
export class ReadStreamHandler implements IQueryHandler<ReadStream> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLog,
  ) {}

  async execute({ caller, streamId, options }: ReadStream): Promise<StreamPage> {
    const tenant = TenantContext.of(caller);
    const id = streamIdOf(streamId);
    const direction = options.direction ?? 'forward';
    const limit = options.limit === 0 ? 0 : pageSize(options.limit);
    // Past MAX_STREAM_VERSION the database cannot compare it (a 500): no stream version is that high.
    if (options.from !== undefined && (!Number.isInteger(options.from) || options.from < 0 || options.from > MAX_STREAM_VERSION)) {
      throw new TributaryError('invalid', 'from_invalid', `from must be a stream version (an integer from 0 to ${MAX_STREAM_VERSION})`);
    }
    return withTenant(this.dataSource, tenant, async (manager) => {
      const stream = await this.log.stream(manager, tenant.tenantId, id);
      if (!stream) throw new TributaryError('not_found', 'stream_not_found', `No stream "${id}"`);
      if (limit === 0) return { stream, events: [], next: null };
      const events = await this.log.readStream(manager, tenant.tenantId, id, { fromVersion: options.from, direction, limit });
      const last = events.at(-1)?.streamVersion;
      const next =
        events.length < limit || last === undefined ? null : direction === 'forward' ? (last < stream.version ? last + 1 : null) : last > 1 ? last - 1 : null;
      return { stream, events, next };
    });
  }
}
