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
    // Every replica's answers from the delivery log (written within a second); this replica's newest, not yet
    // written, from its tap — one entry per answer (its trace id).
    const stored = await this.readModel.recentDeliveries(RECENT_DELIVERIES);
    const logged = new Set(stored.map((d) => d.traceId).filter(Boolean));
    const recentDeliveries = [...this.tap.recent().filter((d) => !logged.has(d.traceId)), ...stored]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, RECENT_DELIVERIES);
    return { ...stats, recentMessages, recentDeliveries };
  }
}
