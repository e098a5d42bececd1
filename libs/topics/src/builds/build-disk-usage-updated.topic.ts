import { IsInt, IsISO8601, Max, Min } from 'class-validator';
import { defineTopic } from '../topic.js';
import { BuildEvent } from './build-event.js';

/** A build's disk usage was measured (probo's `diskSpace`). */
export class BuildDiskUsageUpdated extends BuildEvent {
  @IsISO8601({ strict: true })
  measuredAt: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  realBytes: number;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  virtualBytes: number;
}

export const buildDiskUsageUpdated = defineTopic({
  name: 'build.disk-usage.updated',
  version: 1,
  description: "A CI build's disk usage was measured.",
  payload: BuildDiskUsageUpdated,
  key: (p) => p.buildId,
});
