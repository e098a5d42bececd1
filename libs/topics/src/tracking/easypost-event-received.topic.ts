import { Type } from 'class-transformer';
import { IsArray, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { defineTopic } from '../topic.js';

export class EasyPostTrackingDetail {
  @IsString()
  @MaxLength(64)
  status: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  message?: string;

  @IsString()
  @IsNotEmpty()
  datetime: string;
}

export class EasyPostTracker {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  tracking_code: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  carrier: string;

  /** pre_transit, in_transit, out_for_delivery, delivered, available_for_pickup, return_to_sender, failure, cancelled, error, unknown */
  @IsString()
  @MaxLength(64)
  status: string;

  @IsString()
  @IsNotEmpty()
  updated_at: string;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EasyPostTrackingDetail)
  tracking_details?: EasyPostTrackingDetail[];
}

/** An EasyPost-style webhook event (`tracker.created` / `tracker.updated`) carrying a tracker. */
export class EasyPostEventReceived {
  @IsString()
  @MaxLength(64)
  description: string;

  @ValidateNested()
  @Type(() => EasyPostTracker)
  result: EasyPostTracker;
}

export const easyPostEventReceived = defineTopic({
  name: 'tracking.carrier.easypost.received',
  version: 1,
  description: 'An EasyPost-style tracker event, as the carrier aggregator sent it.',
  payload: EasyPostEventReceived,
  key: (p) => p.result?.tracking_code ?? '',
  open: true,
});
