import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class TemplateBody {
  @ApiProperty({ example: 'Your ACME parcel {trackingId} was delivered', description: "{trackingId}, {carrier} and {trackingUrl} (the carrier's tracking page, empty for a carrier without one) are filled in" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  subject: string;

  @ApiProperty({ example: 'Hello! {carrier} delivered your parcel {trackingId}.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  text: string;
}
