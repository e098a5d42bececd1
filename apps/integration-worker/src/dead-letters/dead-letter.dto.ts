import { ApiProperty } from '@nestjs/swagger';
import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from '@tributary/messaging';

export class DeadLetterBody {
  @ApiProperty({ example: '42' })
  id: string;
  @ApiProperty({ description: 'The consumer group that gave the message up' })
  group: string;
  @ApiProperty()
  topic: string;
  @ApiProperty()
  partition: number;
  @ApiProperty()
  offset: string;
  @ApiProperty()
  messageId: string;
  @ApiProperty({ nullable: true, type: String })
  tenantId: string | null;
  @ApiProperty({ example: 'upstream_unavailable' })
  errorCode: string;
  @ApiProperty()
  errorMessage: string;
  @ApiProperty({ description: 'Attempts made before the message was given up' })
  attempts: number;
  @ApiProperty({ enum: DEAD_LETTER_STATUSES })
  status: DeadLetterStatus;
  @ApiProperty({ description: 'How often it was redriven' })
  redrives: number;
  @ApiProperty({ format: 'date-time' })
  deadAt: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}
