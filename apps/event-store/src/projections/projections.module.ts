import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PackageStatusProjection } from './package-status/package-status.projection.js';
import { ProjectionCheckpoints } from './projection-checkpoints.js';
import { ProjectionDaemon, ProjectOnAppend } from './projection-daemon.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionRebuilds } from './rebuild/projection-rebuilds.js';

/** The projection machinery (live daemon, rebuilds) and the platform's own projections; plugins add theirs. */
@Module({
  imports: [DiscoveryModule],
  providers: [PackageStatusProjection, ProjectionRegistry, ProjectionCheckpoints, ProjectionRebuilds, ProjectionDaemon, ProjectOnAppend],
  exports: [ProjectionRegistry, ProjectionCheckpoints, ProjectionRebuilds, ProjectionDaemon],
})
export class ProjectionsModule {}
