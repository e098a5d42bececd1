import { Args, Context, ID, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import { DeliveryTap } from './delivery-tap.js';
import { observableToAsyncIterator } from '@tributary/edge';
import { requireOperator, type OperatorContext } from './operator-access.js';
import { OperatorFeed } from './operator-feed.js';
import { OperatorReadModel } from './operator-read-model.js';
import { FlowMessage, OperatorOverview, OperatorStats, RedriveResult, WebhookDeliveryView } from './operator.models.js';

/** The operator page's API (platform admin key only): a first overview, then live subscriptions. */
@Resolver()
export class OperatorResolver {
  constructor(
    private readonly readModel: OperatorReadModel,
    private readonly feed: OperatorFeed,
    private readonly tap: DeliveryTap,
  ) {}

  @Query(() => OperatorOverview, { description: 'The platform now: topics, lag, dead letters, instances, recent messages and deliveries' })
  async operatorOverview(@Context() context: OperatorContext): Promise<OperatorOverview> {
    requireOperator(context);
    const stats = await this.readModel.stats();
    const recentMessages = await this.readModel.recentMessages();
    const stored = await this.readModel.recentReceipts();
    const seenHere = this.tap.recent();
    const fromHere = new Set(seenHere.map((d) => d.eventId).filter(Boolean));
    const recentDeliveries = [...seenHere, ...stored.filter((d) => !fromHere.has(d.eventId))]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, 100);
    return { ...stats, recentMessages, recentDeliveries };
  }

  @Mutation(() => RedriveResult, { description: 'Sends a dead letter’s message back to be handled again and removes the dead letter' })
  redriveDeadLetter(@Context() context: OperatorContext, @Args('id', { type: () => ID, description: 'The dead letter id' }) id: string): Promise<RedriveResult> {
    requireOperator(context);
    return this.readModel.redrive(id);
  }

  @Subscription(() => [FlowMessage], { description: 'Messages as they are appended to any topic, in batches (about every second)', resolve: (v: FlowMessage[]) => v })
  operatorMessages(@Context() context: OperatorContext): AsyncIterableIterator<FlowMessage[]> {
    requireOperator(context);
    return observableToAsyncIterator(this.feed.messages$);
  }

  @Subscription(() => OperatorStats, { description: 'Topics, lag, dead letters and instances, every 2 seconds', resolve: (v: OperatorStats) => v })
  operatorStats(@Context() context: OperatorContext): AsyncIterableIterator<OperatorStats> {
    requireOperator(context);
    return observableToAsyncIterator(this.feed.stats$);
  }

  @Subscription(() => WebhookDeliveryView, { description: 'Each webhook delivery this gateway replica answers, accepted or refused', resolve: (v: WebhookDeliveryView) => v })
  operatorDeliveries(@Context() context: OperatorContext): AsyncIterableIterator<WebhookDeliveryView> {
    requireOperator(context);
    return observableToAsyncIterator(this.tap.deliveries$.asObservable());
  }
}
