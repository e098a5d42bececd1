import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { PACKAGE_STATUSES, trackingUrl } from '@tributary/domain';
import type { PackageStatusEntity } from './package-status.entity.js';

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
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    description: "The parcel's page on its carrier's site (DHL, UPS, FedEx, DPD, EasyPost; English, Germany); null for another carrier",
  })
  @Field(() => String, {
    nullable: true,
    description: "The parcel's page on its carrier's site (DHL, UPS, FedEx, DPD, EasyPost; English, Germany); null for another carrier",
  })
  trackingUrl: string | null;
}

export const toPackageView = (row: PackageStatusEntity): PackageView => ({
  trackingId: row.trackingId,
  status: row.status,
  carrier: row.carrier,
  carrierStatus: row.carrierStatus,
  updatedAt: row.updatedAt.toISOString(),
  eventId: row.lastEventId,
  trackingUrl: trackingUrl(row.carrier, row.trackingId) ?? null,
});
