import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class SettleMessageBody {
  @ApiProperty({ enum: ['ack', 'nack', 'reject'], description: 'ack: done (its output published); nack: delivered again after a backoff; reject: a dead letter `rejected`, no retry' })
  @IsIn(['ack', 'nack', 'reject'])
  outcome: 'ack' | 'nack' | 'reject';

  @ApiPropertyOptional({ type: Object, description: "ack only: the handler's output, published to its onSuccess targets (and to the reply topic of a request), validated first" })
  @IsOptional()
  @IsObject()
  output?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 500, description: 'nack and reject only: why (kept with the settlement and on the run record)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
