import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { OperatorReadModel } from '../operator-read-model.js';
import type { OperatorOverview } from '../operator.dto.js';
import { DeliveryTap } from '../watch-platform/delivery-tap.js';
import { GetOperatorOverview } from './get-overview.query.js';

const RECENT_DELIVERIES = 100;

@QueryHandler(GetOperatorOverview)
export class GetOperatorOverviewHandler implements IQueryHandler<GetOperatorOverview> {
  constructor(
    private readonly readModel: OperatorReadModel,
    private readonly tap: DeliveryTap,
  ) {}

  async execute({ caller }: GetOperatorOverview): Promise<OperatorOverview> {
    requirePlatformAdmin(caller);
    const stats = await this.readModel.stats();
    const recentMessages = await this.readModel.recentMessages();
    const stored = await this.readModel.recentReceipts();
    // This replica's answers (refusals included) first; stored receipts add the other replicas' acceptances.
    const seenHere = this.tap.recent();
    const fromHere = new Set(seenHere.map((d) => d.eventId).filter(Boolean));
    const recentDeliveries = [...seenHere, ...stored.filter((d) => !fromHere.has(d.eventId))]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, RECENT_DELIVERIES);
    return { ...stats, recentMessages, recentDeliveries };
  }
}
