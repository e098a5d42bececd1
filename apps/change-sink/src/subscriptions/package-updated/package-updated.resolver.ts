import { Args, Context, Query, Resolver, Subscription } from '@nestjs/graphql';
import { filter, map } from 'rxjs';
import { ChangeReader } from '../../capture/change-reader.js';
import { parseCursor, type CapturedChange } from '../../capture/captured-change.js';
import { tenantOf, type GraphqlContext } from '../graphql-principal.js';
import { observableToAsyncIterator } from '../observable-iterator.js';
import { PackageUpdate, Viewer } from './package-update.model.js';

export const PACKAGE_STATUS_TABLE = 'event_store.package_status';

export function toPackageUpdate(change: CapturedChange): PackageUpdate {
  const row = change.row as Record<string, string>;
  return {
    trackingId: row.tracking_id,
    status: row.status,
    carrier: row.carrier,
    carrierStatus: row.carrier_status,
    updatedAt: new Date(row.updated_at).toISOString(),
    eventId: row.last_event_id,
    cursor: change.cursor,
  };
}

@Resolver()
export class PackageUpdatedResolver {
  constructor(private readonly reader: ChangeReader) {}

  @Query(() => Viewer, { description: 'The authenticated caller' })
  viewer(@Context() context: GraphqlContext): Viewer {
    return { tenantId: tenantOf(context).tenantId };
  }

  @Subscription(() => PackageUpdate, {
    description: "Pushes every change of the caller's packages (or of one package with trackingId); never another tenant's",
    resolve: (value: PackageUpdate) => value,
  })
  packageUpdated(
    @Context() context: GraphqlContext,
    @Args('trackingId', { nullable: true, description: 'Only this package' }) trackingId?: string,
    @Args('after', {
      nullable: true,
      description: "Resume: first the updates committed after this `cursor` (from an update received earlier), then live ones",
    })
    after?: string,
  ): AsyncIterableIterator<PackageUpdate> {
    const { tenantId } = tenantOf(context);
    return observableToAsyncIterator(
      this.reader.changesOf(PACKAGE_STATUS_TABLE, tenantId, after ? parseCursor(after) : undefined).pipe(
        filter((c) => c.op !== 'delete'),
        map(toPackageUpdate),
        filter((update) => !trackingId || update.trackingId === trackingId),
      ),
    );
  }
}
