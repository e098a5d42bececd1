import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ApplyPackageUpdated, PackageStatusProjection } from './package-status/package-status.projection.js';
import { GetPackageController } from './package-status/get-package/get-package.controller.js';
import { GetPackageHandler } from './package-status/get-package/get-package.handler.js';
import { GetPackageResolver } from './package-status/get-package/get-package.resolver.js';
import { ListPackagesController } from './package-status/list-packages/list-packages.controller.js';
import { ListPackagesHandler } from './package-status/list-packages/list-packages.handler.js';
import { ListPackagesResolver } from './package-status/list-packages/list-packages.resolver.js';
import { TrackingUrlResolver } from './package-status/tracking-url/tracking-url.resolver.js';
import { ProjectionCheckpoints } from './projection-checkpoints.js';
import { ProjectionDaemon, ProjectOnAppend } from './projection-daemon.js';
import { ProjectionMetrics } from './projection-metrics.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionStatusController } from './projection-status/projection-status.controller.js';
import { ProjectionStatusHandler } from './projection-status/projection-status.handler.js';
import { ProjectionRebuilds } from './rebuild/projection-rebuilds.js';
import { RebuildProjectionController } from './rebuild-projection/rebuild-projection.controller.js';
import { RebuildProjectionHandler } from './rebuild-projection/rebuild-projection.handler.js';

/** The projection machinery (live daemon, rebuilds, admin routes) and the platform's own projections; plugins add theirs. */
@Module({
  imports: [DiscoveryModule],
  controllers: [ProjectionStatusController, RebuildProjectionController, ListPackagesController, GetPackageController],
  providers: [
    PackageStatusProjection,
    ApplyPackageUpdated,
    ListPackagesHandler,
    ListPackagesResolver,
    GetPackageHandler,
    GetPackageResolver,
    TrackingUrlResolver,
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
