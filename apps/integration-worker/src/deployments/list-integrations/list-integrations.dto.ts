import { ApiProperty } from '@nestjs/swagger';

export class IntegrationMethodBody {
  @ApiProperty()
  method: string;
  @ApiProperty()
  topic: string;
  @ApiProperty({ type: [String] })
  onSuccess: string[];
  @ApiProperty({ enum: ['always', 'per-action'] })
  runs: string;
  @ApiProperty()
  description: string;
}

export class IntegrationBody {
  @ApiProperty()
  name: string;
  @ApiProperty()
  description: string;
  @ApiProperty({ type: [IntegrationMethodBody] })
  methods: IntegrationMethodBody[];
}
