import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

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
