import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ApiKeyView } from '../api-key.dto.js';
import type { Page, PageQuery } from '../../pagination/page.dto.js';

/** The caller's tenant's API keys (never their secrets), a page at a time. */
export class ListApiKeys extends Query<Page<ApiKeyView>> {
  constructor(
    readonly caller: Principal,
    readonly page: PageQuery,
  ) {
    super();
  }
}
