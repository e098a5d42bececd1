import { Module } from '@nestjs/common';
import { PackageStatusProjection } from './package-status/package-status.projection.js';
import { ProjectionDaemon, ProjectOnAppend } from './projection-daemon.js';
import { PROJECTIONS } from './projection.js';

@Module({
  providers: [
    PackageStatusProjection,
    { provide: PROJECTIONS, inject: [PackageStatusProjection], useFactory: (...projections) => projections },
    ProjectionDaemon,
    ProjectOnAppend,
  ],
  exports: [ProjectionDaemon],
})
export class ProjectionsModule {}
