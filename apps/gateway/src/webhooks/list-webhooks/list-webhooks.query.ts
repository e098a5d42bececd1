import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { Page } from '../../pagination/page.dto.js';
import type { WebhookListQuery } from './list-webhooks.dto.js';
import type { WebhookView } from '../webhook.dto.js';

/** The caller's tenant's webhooks, optionally of one app, a page at a time. */
export class ListWebhooks extends Query<Page<WebhookView>> {
  constructor(
    readonly caller: Principal,
    readonly query: WebhookListQuery,
  ) {
    super();
  }
}
