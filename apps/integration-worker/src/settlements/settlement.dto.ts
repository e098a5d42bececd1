import { ApiProperty } from '@nestjs/swagger';

/** A settlement's state, as `POST /v1/settlements/{token}` and `HandlerContext.settle` answer it. */
export class SettlementBody {
  @ApiProperty({
    enum: ['pending', 'acked', 'nacked', 'rejected', 'lapsed'],
    description: '`pending` until settled; `lapsed`: its deadline passed first (the message was delivered again)',
  })
  state: string;
  @ApiProperty({ format: 'uuid', description: 'The message held unsettled' })
  messageId: string;
  @ApiProperty()
  integration: string;
  @ApiProperty()
  method: string;
  @ApiProperty({ description: 'The attempt that left the message unsettled' })
  attempt: number;
  @ApiProperty({ format: 'date-time', description: 'Not settled by then, the message is delivered again as its next attempt' })
  deadline: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  settledAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The reason given with a nack or reject' })
  reason: string | null;
  @ApiProperty({ description: 'Messages the ack published (onSuccess targets and the reply, if the message was a request)' })
  outputs: number;
  @ApiProperty({ description: 'True when this call repeated the outcome already recorded: nothing was done again' })
  repeated: boolean;
}
