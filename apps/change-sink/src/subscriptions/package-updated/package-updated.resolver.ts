import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { requestedTrackingLocale } from '@tributary/domain';
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
      "Pushes every change of the caller's packages (or of one package with trackingId); never another tenant's. `trackingUrl` in the `locale` asked for (default English, Germany). Refused with `locale_invalid` for a locale that is not a language tag, with `packages_not_captured` by a change-sink that does not capture the platform's package projection (CAPTURE_TABLES without event_store.package_status)",
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
    @Args('locale', {
      type: () => String,
      nullable: true,
      description:
        'A language tag for trackingUrl: de-DE, en_US, fr (region DE when none); a language or region the templates cannot say falls back to en / DE; anything else refuses the subscription with locale_invalid',
    })
    locale?: string | null,
  ): Promise<AsyncIterableIterator<PackageUpdate>> {
    // Checked before anything is opened: a bad locale refuses the subscription (locale_invalid), as the event store's package views refuse it.
    const localized = requestedTrackingLocale(locale);
    const updates = await this.queryBus.execute(new WatchPackageUpdates(caller, trackingId, after, localized));
    return observableToAsyncIterator(updates, this.config.CLIENT_BUFFER_CHANGES, () =>
      context.tooSlow?.('Too slow: too many updates waiting; resubscribe with after to resume'),
    );
  }
}
