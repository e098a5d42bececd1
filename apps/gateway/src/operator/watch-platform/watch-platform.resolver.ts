import { Resolver, Subscription } from '@nestjs/graphql';
import { GqlCaller, observableToAsyncIterator } from '@tributary/edge';
import { requirePlatformAdmin, type Principal } from '@tributary/tenancy';
import { FlowMessage, OperatorStats, PLATFORM_ADMIN_KEY_REQUIRED, WebhookDeliveryView } from '../operator.dto.js';
import { DeliveryTap } from './delivery-tap.js';
import { OperatorFeed } from './operator-feed.js';

/**
 * The operator page's live subscriptions (platform admin key, given at the graphql-ws connection): streams from the
 * shared feeds and this replica's delivery tap, not commands or queries.
 */
@Resolver()
export class WatchPlatformResolver {
  constructor(
    private readonly feed: OperatorFeed,
    private readonly tap: DeliveryTap,
  ) {}

  @Subscription(() => [FlowMessage], { description: 'Messages as they are appended to any topic, in batches (about every second)', resolve: (v: FlowMessage[]) => v })
  operatorMessages(@GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal): AsyncIterableIterator<FlowMessage[]> {
    requirePlatformAdmin(caller);
    return observableToAsyncIterator(this.feed.messages$);
  }

  @Subscription(() => OperatorStats, { description: 'Topics, lag, dead letters and instances, every 2 seconds', resolve: (v: OperatorStats) => v })
  operatorStats(@GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal): AsyncIterableIterator<OperatorStats> {
    requirePlatformAdmin(caller);
    return observableToAsyncIterator(this.feed.stats$);
  }

  @Subscription(() => WebhookDeliveryView, { description: 'Each webhook delivery this gateway replica answers, accepted or refused', resolve: (v: WebhookDeliveryView) => v })
  operatorDeliveries(@GqlCaller(PLATFORM_ADMIN_KEY_REQUIRED) caller: Principal): AsyncIterableIterator<WebhookDeliveryView> {
    requirePlatformAdmin(caller);
    return observableToAsyncIterator(this.tap.deliveries$.asObservable());
  }
}
