import { ApiProperty } from '@nestjs/swagger';

export class IntegrationMethodBody {
  @ApiProperty()
  method: string;
  @ApiProperty({ description: 'The topic it consumes (empty for a data method)' })
  topic: string;
  @ApiProperty({ type: [String] })
  onSuccess: string[];
  @ApiProperty({ enum: ['always', 'per-action', 'on-demand'], description: 'on-demand: a data method, asked by GET /v1/actions/{id}/data' })
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
