import { Module } from '@nestjs/common';
import { BuildsController } from './builds.controller.js';
import { ApplyBuildCreated, ApplyBuildDiskUsage, ApplyBuildReaped, ApplyBuildUpdated, BuildsProjection } from './builds.projection.js';
import { buildQueryHandlers } from './builds.queries.js';
import { BuildsResolver } from './builds.resolver.js';

/** The builds plugin's Nest module: its projection, its REST routes and its GraphQL queries. */
@Module({
  controllers: [BuildsController],
  providers: [BuildsProjection, ApplyBuildCreated, ApplyBuildUpdated, ApplyBuildDiskUsage, ApplyBuildReaped, BuildsResolver, ...buildQueryHandlers],
})
export class BuildsModule {}
