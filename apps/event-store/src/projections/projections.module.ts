import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ApplyPackageUpdated, PackageStatusProjection } from './package-status/package-status.projection.js';
import { QueryPackagesController } from './package-status/query-packages/query-packages.controller.js';
import { GetPackageHandler, ListPackagesHandler } from './package-status/query-packages/query-packages.handler.js';
import { QueryPackagesResolver } from './package-status/query-packages/query-packages.resolver.js';
import { ProjectionCheckpoints } from './projection-checkpoints.js';
import { ProjectionDaemon, ProjectOnAppend } from './projection-daemon.js';
import { ProjectionMetrics } from './projection-metrics.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionStatusController } from './projection-status/projection-status.controller.js';
import { ProjectionStatusHandler } from './projection-status/projection-status.handler.js';
import { ProjectionRebuilds } from './rebuild/projection-rebuilds.js';
import { RebuildProjectionController } from './rebuild/rebuild-projection/rebuild-projection.controller.js';
import { RebuildProjectionHandler } from './rebuild/rebuild-projection/rebuild-projection.handler.js';

/** The projection machinery (live daemon, rebuilds, admin routes) and the platform's own projections; plugins add theirs. */
@Module({
  imports: [DiscoveryModule],
  controllers: [ProjectionStatusController, RebuildProjectionController, QueryPackagesController],
  providers: [
    PackageStatusProjection,
    ApplyPackageUpdated,
    ListPackagesHandler,
    GetPackageHandler,
    QueryPackagesResolver,
    ProjectionRegistry,
    ProjectionCheckpoints,
    ProjectionRebuilds,
    ProjectionDaemon,
    ProjectOnAppend,
    ProjectionMetrics,
    ProjectionStatusHandler,
    RebuildProjectionHandler,
  ],
  exports: [ProjectionRegistry, ProjectionCheckpoints, ProjectionRebuilds, ProjectionDaemon],
})
export class ProjectionsModule {}
