import { IsBoolean, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { defineTopic } from '../topic.js';
import { BuildEvent } from './build-event.js';

/** A build's state changed. Carries the time of the change: an older update never overwrites a newer one. */
export class BuildUpdated extends BuildEvent {
  @IsISO8601({ strict: true })
  updatedAt: string;

  @IsString()
  @MaxLength(64)
  status: string;

  /** The state reported to the code host (probo's `submittedState`). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  submittedState?: string;

  @IsOptional()
  @IsBoolean()
  pinned?: boolean;
}

export const buildUpdated = defineTopic({
  name: 'build.updated',
  version: 1,
  description: "A CI build's state changed.",
  payload: BuildUpdated,
  key: (p) => p.buildId,
});
