import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ProductFeedItem } from './export-products.dto.js';

export type ProductFeedFormat = 'csv' | 'json';

/** Where the feed goes, page by page: the handler awaits each page (the response's backpressure). */
export interface ProductFeedSink {
  /** Called once, before any row, with the feed's ETag; answers false when the caller's copy is current (nothing more is sent). */
  begin(etag: string): boolean;
  /** Writes a page; answers false when the client went away (the export stops). */
  write(items: readonly ProductFeedItem[]): Promise<boolean>;
  end(): void;
}

/** Streams the caller's product feed to `sink`: `not_modified` when `begin` declined it. */
export class ExportProducts extends Query<'sent' | 'not_modified'> {
  constructor(
    readonly caller: Principal,
    readonly format: ProductFeedFormat,
    readonly filter: { readonly inStock?: boolean; readonly currency?: string },
    readonly sink: ProductFeedSink,
  ) {
    super();
  }
}
