import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_IDS } from '../build-ids.pipe.js';

export class ListBuildsParams {
  @ApiProperty({ required: false, format: 'uuid', description: 'Only builds of this project' })
  @IsOptional()
  @IsUUID()
  project?: string;

  @ApiProperty({ required: false, format: 'uuid', description: 'The last id of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;

  @ApiProperty({ required: false, minimum: 1, maximum: MAX_IDS, default: MAX_IDS })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_IDS)
  limit?: number;
}
