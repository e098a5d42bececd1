import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { IntegrationView } from '../integration.dto.js';
import type { Page, PageQuery } from '../../pagination/page.dto.js';

/** The caller's tenant's integrations, a page at a time. */
export class ListIntegrations extends Query<Page<IntegrationView>> {
  constructor(
    readonly caller: Principal,
    readonly page: PageQuery,
  ) {
    super();
  }
}
