import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { IntegrationView } from '../integration.dto.js';
import type { SetSubscriptionBody } from './set-subscription.dto.js';

/** Billing: the platform admin records what a tenant paid for one integration. */
export class SetSubscription extends Command<IntegrationView> {
  constructor(
    readonly caller: Principal,
    readonly tenantId: string,
    readonly integrationId: string,
    readonly input: SetSubscriptionBody,
  ) {
    super();
  }
}
