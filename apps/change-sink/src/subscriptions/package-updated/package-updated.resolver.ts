import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { GqlCaller, observableToAsyncIterator } from '@tributary/edge';
import type { Viewer } from '../../auth/viewer.js';
import { ChangeSinkConfig } from '../../change-sink.config.js';
import { CALLER_REQUIRED, type GraphqlContext } from '../graphql-context.js';
import { PackageUpdate } from './package-update.dto.js';
import { WatchPackageUpdates } from './package-updated.query.js';

@Resolver()
export class PackageUpdatedResolver {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly config: ChangeSinkConfig,
  ) {}

  @Subscription(() => PackageUpdate, {
    description:
      "Pushes every change of the caller's packages (or of one package with trackingId); never another tenant's. Refused with `packages_not_captured` by a change-sink that does not capture the platform's package projection (CAPTURE_TABLES without event_store.package_status)",
    resolve: (value: PackageUpdate) => value,
  })
  async packageUpdated(
    @GqlCaller(CALLER_REQUIRED) caller: Viewer,
    @Context() context: GraphqlContext,
    @Args('trackingId', { nullable: true, description: 'Only this package' }) trackingId?: string,
    @Args('after', {
      nullable: true,
      description: "Resume: first the updates committed after this `cursor` (from an update received earlier), then live ones",
    })
    after?: string,
  ): Promise<AsyncIterableIterator<PackageUpdate>> {
    const updates = await this.queryBus.execute(new WatchPackageUpdates(caller, trackingId, after));
    return observableToAsyncIterator(updates, this.config.CLIENT_BUFFER_CHANGES, () =>
      context.tooSlow?.('Too slow: too many updates waiting; resubscribe with after to resume'),
    );
  }
}
