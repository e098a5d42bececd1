import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { PACKAGE_STATUSES, requestedTrackingLocale, trackingUrl, type TrackingUrlLocale } from '@tributary/domain';
import type { PackageStatusEntity } from './package-status.entity.js';

export const TRACKING_URL_DESCRIPTION =
  "The parcel's page on its carrier's site (DHL, UPS, FedEx, DPD, EasyPost) in the locale asked for (default English, Germany); null for another carrier";

/** The `locale` a package view's tracking URL is localized for (REST query parameter, GraphQL argument). */
export const LOCALE_DESCRIPTION =
  'A language tag for the tracking URL: de-DE, en_US, fr (region DE when none); a language or region the templates cannot say falls back to en / DE; anything else is 400 locale_invalid';

@ObjectType('PackageStatus', { description: "A package's latest known state (the package_status projection)" })
export class PackageView {
  @ApiProperty()
  @Field({ description: "The carrier's tracking id" })
  trackingId: string;
  @ApiProperty({ enum: PACKAGE_STATUSES })
  @Field({ description: `Canonical status: ${PACKAGE_STATUSES.join(', ')}` })
  status: string;
  @ApiProperty()
  @Field({ description: 'The carrier, lower-case' })
  carrier: string;
  @ApiProperty()
  @Field({ description: "The status in the carrier's own words" })
  carrierStatus: string;
  @ApiProperty({ format: 'date-time' })
  @Field({ description: 'When the carrier says the latest update happened (ISO-8601)' })
  updatedAt: string;
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The event this state comes from' })
  eventId: string;
  /** Over GraphQL a field with a `locale` argument (tracking-url/tracking-url.resolver.ts). */
  @ApiProperty({ type: String, nullable: true, format: 'uri', description: TRACKING_URL_DESCRIPTION })
  trackingUrl: string | null;
}

/** The `locale` a client asked for (`?locale=` over REST, `trackingUrl(locale:)` over GraphQL): one parser for every interface. */
export const requestedLocale = requestedTrackingLocale;

export const toPackageView = (row: PackageStatusEntity, locale: TrackingUrlLocale = {}): PackageView => ({
  trackingId: row.trackingId,
  status: row.status,
  carrier: row.carrier,
  carrierStatus: row.carrierStatus,
  updatedAt: row.updatedAt.toISOString(),
  eventId: row.lastEventId,
  trackingUrl: trackingUrl(row.carrier, row.trackingId, locale) ?? null,
});
