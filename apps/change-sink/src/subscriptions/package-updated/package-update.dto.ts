import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "A package's new state, pushed when its projection row changes" })
export class PackageUpdate {
  @Field({ description: "The carrier's tracking id" })
  trackingId: string;

  @Field({ description: 'Canonical status: pre_transit, in_transit, out_for_delivery, delivered, exception, returned or unknown' })
  status: string;

  @Field({ description: 'The carrier, lower-case' })
  carrier: string;

  @Field({ description: "The status in the carrier's own words" })
  carrierStatus: string;

  @Field({ description: 'When the carrier says the update happened (ISO-8601)' })
  updatedAt: string;

  @Field(() => ID, { description: 'The event that produced this state' })
  eventId: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The parcel's page on its carrier's site (DHL, UPS, FedEx, DPD, EasyPost) in the subscription's locale (default English, Germany); null for another carrier",
  })
  trackingUrl: string | null;

  @Field({ description: 'Where this update stands in commit order: pass it as `after` to resume after it' })
  cursor: string;
}
