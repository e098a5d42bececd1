import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { StreamInfo } from '../event-log.js';

export interface StreamList {
  readonly streams: readonly StreamInfo[];
  /** Pass as `after` for the next page; null on the last one. */
  readonly next: string | null;
}

/** The caller's streams in id order, optionally those whose id starts with `prefix`. */
export class ListStreams extends Query<StreamList> {
  constructor(
    readonly caller: Principal,
    readonly options: { readonly prefix?: string; readonly after?: string; readonly limit?: number },
  ) {
    super();
  }
}
