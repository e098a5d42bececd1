import { IsBoolean, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUrl, IsUUID, MaxLength, Min } from 'class-validator';
import { defineTopic } from '../topic.js';
import { BuildEvent } from './build-event.js';

/** A CI build was created: what it builds (branch, commit, pull request) and with which config. */
export class BuildCreated extends BuildEvent {
  @IsISO8601({ strict: true })
  createdAt: string;

  /** The build's state when created (probo: `pending`, `running`, `success`, `error` …). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  status?: string;

  @IsOptional()
  @IsUUID()
  requestId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  branchName?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(2048)
  branchUrl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  commitRef?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(2048)
  commitUrl?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  pullRequestNumber?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  pullRequestName?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(2048)
  pullRequestUrl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(65536)
  pullRequestDescription?: string;

  @IsOptional()
  @IsBoolean()
  pinned?: boolean;

  /** The build's configuration (steps, image …), kept as given. */
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}

export const buildCreated = defineTopic({
  name: 'build.created',
  version: 1,
  description: 'A CI build was created (probo-db build events).',
  payload: BuildCreated,
  key: (p) => p.buildId,
});
