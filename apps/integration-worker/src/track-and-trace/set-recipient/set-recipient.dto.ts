import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, MaxLength } from 'class-validator';
import { NOTIFICATION_LANGUAGES } from '../../integrations/tracking/notify-customer/notification-templates.js';

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

export class RecipientSavedBody extends RecipientBody {
  @ApiProperty()
  trackingId: string;
  @ApiPropertyOptional({ description: 'The address opted out of all notifications' })
  optedOut?: boolean;
}
