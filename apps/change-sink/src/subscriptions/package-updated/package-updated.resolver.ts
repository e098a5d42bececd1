import { Args, Context, Query, Resolver, Subscription } from '@nestjs/graphql';
import { TributaryError } from '@tributary/domain';
import { filter, map } from 'rxjs';
import { ChangeSinkConfig, PACKAGE_STATUS_TABLE } from '../../change-sink.config.js';
import { parseCursor } from '../../capture/captured-change.js';
import type { DeliveredChange } from '../../delivery/change-policy.js';
import { ChangeFeed } from '../../delivery/change-feed.js';
import { viewerOf, type GraphqlContext } from '../graphql-principal.js';
import { observableToAsyncIterator } from '@tributary/edge';
import { PackageUpdate, Viewer } from './package-update.model.js';

const updates = new WeakMap<DeliveredChange, PackageUpdate>();

/** One update per change, shared by its subscribers (their executions are shared too, see shared-subscribe). */
export function toPackageUpdate(change: DeliveredChange): PackageUpdate {
  const cached = updates.get(change);
  if (cached) return cached;
  const row = change.data as Record<string, string>;
  const update: PackageUpdate = {
    trackingId: row.tracking_id,
    status: row.status,
    carrier: row.carrier,
    carrierStatus: row.carrier_status,
    updatedAt: new Date(row.updated_at).toISOString(),
    eventId: row.last_event_id,
    cursor: change.id,
  };
  updates.set(change, update);
  return update;
}

@Resolver()
export class PackageUpdatedResolver {
  constructor(
    private readonly feed: ChangeFeed,
    private readonly config: ChangeSinkConfig,
  ) {}

  @Query(() => Viewer, { description: 'The authenticated caller' })
  viewer(@Context() context: GraphqlContext): Viewer {
    const viewer = viewerOf(context);
    return { tenantId: viewer.tenantId, userId: viewer.kind === 'user' ? viewer.userId : null };
  }

  @Subscription(() => PackageUpdate, {
    description:
      "Pushes every change of the caller's packages (or of one package with trackingId); never another tenant's. Refused with `packages_not_captured` by a change-sink that does not capture the platform's package projection (CAPTURE_TABLES without event_store.package_status)",
    resolve: (value: PackageUpdate) => value,
  })
  async packageUpdated(
    @Context() context: GraphqlContext,
    @Args('trackingId', { nullable: true, description: 'Only this package' }) trackingId?: string,
    @Args('after', {
      nullable: true,
      description: "Resume: first the updates committed after this `cursor` (from an update received earlier), then live ones",
    })
    after?: string,
  ): Promise<AsyncIterableIterator<PackageUpdate>> {
    const viewer = viewerOf(context);
    if (!this.config.capturesPackages) {
      // Said at once: a subscription that would never push anything looks like a quiet one.
      throw new TributaryError(
        'not_found',
        'packages_not_captured',
        `packageUpdated is not served by this change-sink: it does not capture ${PACKAGE_STATUS_TABLE} (CAPTURE_TABLES); subscribe to changes for the tables it captures`,
      );
    }
    const position = after ? parseCursor(after) : undefined;
    const start = await this.feed.start(position);
    return observableToAsyncIterator(
      this.feed.open(viewer, start, new Set([PACKAGE_STATUS_TABLE])).pipe(
        filter((c) => c.type !== 'delete'),
        map(toPackageUpdate),
        filter((update) => !trackingId || update.trackingId === trackingId),
      ),
      this.config.CLIENT_BUFFER_CHANGES,
      () => context.tooSlow?.('Too slow: too many updates waiting; resubscribe with after to resume'),
    );
  }
}
