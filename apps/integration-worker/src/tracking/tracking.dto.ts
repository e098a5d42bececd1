import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NOTIFICATION_LANGUAGES } from '../integrations/tracking/notify-customer/notification-templates.js';

export class RecipientBody {
  @ApiProperty({ example: 'customer@example.com' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ enum: NOTIFICATION_LANGUAGES, description: 'Language of the notifications' })
  @IsIn(NOTIFICATION_LANGUAGES)
  language: string;

  @ApiProperty({ description: 'The customer agreed to receive notifications about this parcel' })
  @IsBoolean()
  consent: boolean;
}

export class OptOutBody {
  @ApiProperty({ example: 'customer@example.com' })
  @IsEmail()
  @MaxLength(320)
  email: string;
}

export class PackageEventBody {
  @ApiProperty()
  status: string;
  @ApiProperty()
  carrierStatus: string;
  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ enum: ['applied', 'stale', 'same', 'regression', 'ignored'], description: 'What the event did to the package' })
  outcome: string;
}

export class PackageBody {
  @ApiProperty()
  trackingId: string;
  @ApiProperty()
  carrier: string;
  @ApiProperty({ description: 'Current canonical state' })
  status: string;
  @ApiProperty({ format: 'date-time', description: 'When the carrier reported the current state' })
  statusAt: string;
  @ApiProperty({ description: 'Transitions so far' })
  version: number;
  @ApiProperty({ type: [PackageEventBody], description: 'Every distinct carrier event, in the order they happened' })
  events: PackageEventBody[];
}

export class MailBody {
  @ApiProperty()
  messageId: string;
  @ApiProperty()
  from: string;
  @ApiProperty()
  to: string;
  @ApiProperty()
  subject: string;
  @ApiProperty()
  text: string;
  @ApiProperty()
  trackingId: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class MailboxBody {
  @ApiProperty({ type: [MailBody] })
  items: MailBody[];
}

export class RecipientSavedBody extends RecipientBody {
  @ApiProperty()
  trackingId: string;
  @ApiPropertyOptional({ description: 'The address opted out of all notifications' })
  optedOut?: boolean;
}

export class TemplateBody {
  @ApiProperty({ example: 'Your ACME parcel {trackingId} was delivered', description: '{trackingId} and {carrier} are filled in' })
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
