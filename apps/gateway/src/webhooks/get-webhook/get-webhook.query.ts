import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { WebhookView } from '../webhook.dto.js';

/** One webhook of the caller's tenant. */
export class GetWebhook extends Query<WebhookView> {
  constructor(
    readonly caller: Principal,
    readonly id: string,
  ) {
    super();
  }
}
