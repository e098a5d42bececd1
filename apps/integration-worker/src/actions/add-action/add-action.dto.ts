import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';

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
