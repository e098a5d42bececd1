import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

export class RunActionBody {
  @ApiPropertyOptional({ type: Object, description: "The method's input (its topic's payload)" })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;
}

export class RunRequestedBody {
  @ApiProperty({ format: 'uuid', description: 'The run record (state init until the worker ran it)' })
  runId: string;
  @ApiProperty({ format: 'uuid', description: 'The integration.action.requested message' })
  messageId: string;
}
