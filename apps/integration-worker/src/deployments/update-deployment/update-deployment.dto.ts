import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional } from 'class-validator';

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
