import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { DeliveryPage, SearchDeliveriesQuery } from './search-deliveries.dto.js';

/** Webhook deliveries of the caller's tenant (or, for the platform admin, of one tenant or all), newest first. */
export class SearchDeliveries extends Query<DeliveryPage> {
  constructor(
    readonly caller: Principal,
    readonly filter: SearchDeliveriesQuery,
  ) {
    super();
  }
}
