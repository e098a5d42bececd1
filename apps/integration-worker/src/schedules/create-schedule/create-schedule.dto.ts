import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class CreateScheduleBody {
  @ApiProperty({ example: '0 9 * * 1-5', description: 'Cron: 5 fields, or 6 with seconds first' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  cron: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: 'IANA time zone the expression is read in' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ type: Object, description: "The method's input for each firing (its topic's payload)" })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;

  @ApiPropertyOptional({ default: 300_000, description: 'Run lock: a tick is skipped while the previous run holds it, at most this long' })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
