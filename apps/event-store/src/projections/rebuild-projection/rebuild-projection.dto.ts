import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class RebuildProjectionBody {
  @ApiProperty({ required: false, default: false, description: 'Start over instead of continuing an unfinished rebuild' })
  @IsOptional()
  @IsBoolean()
  restart?: boolean;
}
