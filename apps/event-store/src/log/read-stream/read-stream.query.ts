import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { StreamInfo } from '../event-log.js';
import type { StoredEvent } from '../stored-event.js';

/** The highest version a stream can reach (its events' `stream_version` is a PostgreSQL int). */
export const MAX_STREAM_VERSION = 2 ** 31 - 1;

export interface StreamPage {
  readonly stream: StreamInfo;
  readonly events: readonly StoredEvent[];
  /** The version to read from next (`from`), or null at the end of the stream. */
  readonly next: number | null;
}

/** Events of one of the caller's streams by version; `limit` 0 reads only the stream's version. */
export class ReadStream extends Query<StreamPage> {
  constructor(
    readonly caller: Principal,
    readonly streamId: string,
    readonly options: { readonly from?: number; readonly direction?: 'forward' | 'backward'; readonly limit?: number },
  ) {
    super();
  }
}
