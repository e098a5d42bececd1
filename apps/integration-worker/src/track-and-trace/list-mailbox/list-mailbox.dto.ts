import { ApiProperty } from '@nestjs/swagger';

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
