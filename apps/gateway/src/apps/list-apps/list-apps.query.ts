import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { AppView } from '../app.dto.js';
import type { Page, PageQuery } from '../../pagination/page.dto.js';

/** The caller's tenant's apps, a page at a time. */
export class ListApps extends Query<Page<AppView>> {
  constructor(
    readonly caller: Principal,
    readonly page: PageQuery,
  ) {
    super();
  }
}
