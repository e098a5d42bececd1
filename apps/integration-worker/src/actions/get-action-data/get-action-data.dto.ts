import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class ActionDataParams {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 31_536_000,
    default: 0,
    description: 'The oldest cached document (seconds) the caller takes as fresh; older, the upstream is asked. 0: always ask it',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(31_536_000)
  maxAge?: number;
}

export class UpstreamErrorBody {
  @ApiProperty({ example: 'upstream_timeout' })
  code: string;
  @ApiProperty()
  message: string;
}

/** 200 (fresh) and 203 (from the cache within its validity, the upstream failing or slow). */
export class ActionDataBody {
  @ApiProperty({ type: Object, description: "The action's document, as its data handler made it" })
  data: object;
  @ApiProperty({ description: 'Seconds since the document was fetched (also the Age header)' })
  ageSeconds: number;
  @ApiProperty({ format: 'date-time' })
  fetchedAt: string;
  @ApiProperty({ format: 'date-time', description: 'Until then the document is served from the cache when the upstream fails' })
  validUntil: string;
  @ApiProperty({ enum: ['upstream', 'cache'], description: 'upstream: fetched for this request (or one it joined); cache: stored earlier' })
  source: 'upstream' | 'cache';
  @ApiPropertyOptional({ type: UpstreamErrorBody, description: 'With 203: why the upstream was not used' })
  upstreamError?: UpstreamErrorBody;
}

export class UpstreamStaleErrorBody {
  @ApiProperty({ example: 'upstream_stale' })
  code: 'upstream_stale';
  @ApiProperty()
  message: string;
}

/** 502: the upstream failed and the cache has expired (or there is none). */
export class UpstreamStaleBody {
  @ApiProperty({ type: UpstreamStaleErrorBody })
  error: UpstreamStaleErrorBody;
  @ApiProperty()
  traceId: string;
  @ApiProperty({ type: Object, nullable: true, description: 'The expired document, or null when none was ever fetched' })
  data: object | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Its age in seconds, or null' })
  ageSeconds: number | null;
}
