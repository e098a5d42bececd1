import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

export class CreateDeploymentBody {
  @ApiProperty({ example: 'webhook-relay', description: 'The integration (see GET /v1/integrations)' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,62}$/)
  integration: string;

  @ApiProperty({ example: 'ops-channel', description: 'Unique per tenant and integration' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ type: Object, description: "The integration's configuration (validated against its schema)" })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Object, description: 'Credentials (validated, encrypted at rest, never returned or logged)' })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Let outbound calls reach private and loopback addresses (default false)' })
  @IsOptional()
  @IsBoolean()
  allowPrivateNetwork?: boolean;
}

export class UpdateDeploymentBody {
  @ApiPropertyOptional({ type: Object, description: 'Replaces the configuration (validated)' })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Object, description: 'Replaces the credentials (validated, encrypted, never returned)' })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  allowPrivateNetwork?: boolean;

  @ApiPropertyOptional({ description: 'A disabled deployment runs none of its actions' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateActionBody {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  onTopic?: boolean;

  @ApiPropertyOptional({ description: 'A disabled action runs neither by topic nor by schedule' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class DeploymentBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  integration: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ type: Object })
  config: Record<string, unknown>;
  @ApiProperty({ description: 'Whether credentials are stored (they are never returned)' })
  hasCredentials: boolean;
  @ApiProperty()
  allowPrivateNetwork: boolean;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreateActionBody {
  @ApiProperty({ example: 'relay-state-change', description: "One of the integration's per-action methods" })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,62}$/)
  method: string;

  @ApiPropertyOptional({ description: "Run on every message of the method's topic for this tenant (default true)" })
  @IsOptional()
  @IsBoolean()
  onTopic?: boolean;
}

export class ActionBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  deploymentId: string;
  @ApiProperty()
  integration: string;
  @ApiProperty()
  method: string;
  @ApiProperty({ description: "The method's input topic" })
  topic: string;
  @ApiProperty()
  onTopic: boolean;
  @ApiProperty()
  enabled: boolean;
}

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

export class ListRunsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actionId?: string;

  @ApiPropertyOptional({ enum: ['init', 'ok', 'fail', 'skip'] })
  @IsOptional()
  @IsIn(['init', 'ok', 'fail', 'skip'])
  state?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class RunBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  tenantId: string;
  @ApiProperty()
  integration: string;
  @ApiProperty()
  method: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actionId: string | null;
  @ApiProperty({ enum: ['topic', 'schedule', 'manual'] })
  trigger: string;
  @ApiProperty({ enum: ['init', 'ok', 'fail', 'skip'] })
  state: string;
  @ApiProperty()
  attempt: number;
  @ApiProperty({ format: 'date-time' })
  startedAt: string;
  @ApiProperty({ nullable: true, type: Number })
  durationMs: number | null;
  @ApiProperty({ description: 'Messages published on success' })
  outputs: number;
  @ApiProperty({ nullable: true, type: String, description: "SHA-256 of the external service's answer" })
  responseHash: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The external id of what the run created' })
  foreignId: string | null;
  @ApiProperty({ nullable: true, type: String })
  skipReason: string | null;
  @ApiProperty({ nullable: true, type: String })
  errorCode: string | null;
  @ApiProperty({ nullable: true, type: String })
  errorMessage: string | null;
  @ApiProperty({ description: "External effects (`once`) the run did again because a crash had left their outcome unknown (e.g. a mail re-sent with its original Message-ID)" })
  repeatedEffects: number;
}

export class RunListBody {
  @ApiProperty({ type: [RunBody] })
  items: RunBody[];
}

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
