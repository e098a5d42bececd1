import { Query } from '@nestjs/cqrs';
import type { TenantContext } from '@tributary/tenancy';
import type { ListenCursor } from './listen-cursor.js';
import type { ListenPage } from './listen.dto.js';

/**
 * The tenant's messages appended past `cursor` (moved past what it returns), optionally one topic's or one
 * webhook's. Without a cursor, none: the end of the log now, where a new listener starts.
 */
export class ReadListenPage extends Query<ListenPage> {
  constructor(
    readonly tenant: TenantContext,
    readonly cursor: ListenCursor | undefined,
    readonly filter: { readonly topic?: string; readonly webhookId?: string },
  ) {
    super();
  }
}
