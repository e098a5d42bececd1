import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

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
