import { ApiProperty } from '@nestjs/swagger';

export class ActionBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  deploymentId: string;
  @ApiProperty()
  integration: string;
  @ApiProperty()
  method: string;
  @ApiProperty({ description: "The method's input topic (empty for a data method, which has none)" })
  topic: string;
  @ApiProperty()
  onTopic: boolean;
  @ApiProperty()
  enabled: boolean;
}
