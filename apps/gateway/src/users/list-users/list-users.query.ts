import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { Page, PageQuery } from '../../pagination/page.dto.js';
import type { UserView } from '../user.dto.js';

/** The caller's tenant's users, a page at a time. */
export class ListUsers extends Query<Page<UserView>> {
  constructor(
    readonly caller: Principal,
    readonly page: PageQuery,
  ) {
    super();
  }
}
