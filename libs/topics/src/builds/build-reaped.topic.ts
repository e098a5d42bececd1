import { IsInt, IsISO8601, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { defineTopic } from '../topic.js';
import { BuildEvent } from './build-event.js';

/** A build's environment was removed (it no longer counts towards its project's disk usage). */
export class BuildReaped extends BuildEvent {
  @IsISO8601({ strict: true })
  reapedAt: string;

  /** probo's reaper reason code. */
  @IsOptional()
  @IsInt()
  @Min(0)
  reason?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  reasonText?: string;
}

export const buildReaped = defineTopic({
  name: 'build.reaped',
  version: 1,
  description: "A CI build's environment was reaped.",
  payload: BuildReaped,
  key: (p) => p.buildId,
});
