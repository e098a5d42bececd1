import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { trackingUrl } from '@tributary/domain';
import { toGraphqlError } from '@tributary/edge';
import { LOCALE_DESCRIPTION, PackageView, requestedLocale, TRACKING_URL_DESCRIPTION } from '../package.dto.js';

/**
 * `PackageStatus.trackingUrl(locale:)` over GraphQL: the carrier's tracking page in the locale the client
 * asks for (REST takes `?locale=`). A locale that is not a language tag is the field's error
 * `locale_invalid` (400), the rest of the answer unaffected.
 */
@Resolver(() => PackageView)
export class TrackingUrlResolver {
  @ResolveField('trackingUrl', () => String, { nullable: true, description: TRACKING_URL_DESCRIPTION })
  trackingUrl(@Parent() view: PackageView, @Args('locale', { type: () => String, nullable: true, description: LOCALE_DESCRIPTION }) locale?: string | null): string | null {
    try {
      return trackingUrl(view.carrier, view.trackingId, requestedLocale(locale)) ?? null;
    } catch (error) {
      // A field resolver runs without the exception filter: its coded error is made the GraphQL one here.
      throw toGraphqlError(error);
    }
  }
}
