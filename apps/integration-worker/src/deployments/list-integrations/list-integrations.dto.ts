import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MethodQueueBody {
  @ApiProperty({ example: 'billing-eu', description: 'The named queue the method runs in' })
  name: string;
  @ApiProperty({ example: 'integration-worker.q.billing-eu', description: 'Its consumer group: its offsets, retries and dead letters (`GET /v1/dead-letters?group=`)' })
  group: string;
  @ApiProperty({ enum: ['direct', 'fanout', 'header'], description: 'How the queue is bound to the topic' })
  exchange: string;
  @ApiPropertyOptional({ type: [String], example: ['eu', 'eu.*'], description: 'direct: the routing keys it takes (`*` one word, `#` any number)' })
  routingKeys?: string[];
  @ApiPropertyOptional({ enum: ['all', 'any'], description: 'header: whether all or any of the headers must match' })
  match?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { region: 'eu' }, description: 'header: the header values it takes' })
  headers?: Record<string, string>;
}

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
  @ApiPropertyOptional({ type: MethodQueueBody, description: 'The named queue it runs in, with its binding; absent: the worker\'s main group' })
  queue?: MethodQueueBody;
}

export class IntegrationBody {
  @ApiProperty()
  name: string;
  @ApiProperty()
  description: string;
  @ApiProperty({ type: [IntegrationMethodBody] })
  methods: IntegrationMethodBody[];
}
