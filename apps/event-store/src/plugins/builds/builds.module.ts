import { Module } from '@nestjs/common';
import { ApplyBuildCreated, ApplyBuildDiskUsage, ApplyBuildReaped, ApplyBuildUpdated, BuildsProjection } from './builds.projection.js';
import { FindBuildsHandler } from './find-builds/find-builds.handler.js';
import { FindBuildsResolver } from './find-builds/find-builds.resolver.js';
import { GetBuildController } from './get-build/get-build.controller.js';
import { GetBuildHandler } from './get-build/get-build.handler.js';
import { GetBuildResolver } from './get-build/get-build.resolver.js';
import { GetBuildDiskUsageController } from './get-build-disk-usage/get-build-disk-usage.controller.js';
import { GetBuildDiskUsageHandler } from './get-build-disk-usage/get-build-disk-usage.handler.js';
import { GetProjectDiskUsageController } from './get-project-disk-usage/get-project-disk-usage.controller.js';
import { GetProjectDiskUsageHandler } from './get-project-disk-usage/get-project-disk-usage.handler.js';
import { GetProjectDiskUsageResolver } from './get-project-disk-usage/get-project-disk-usage.resolver.js';
import { ListBuildsController } from './list-builds/list-builds.controller.js';
import { ListBuildsHandler } from './list-builds/list-builds.handler.js';
import { ListProjectsController } from './list-projects/list-projects.controller.js';
import { ListProjectsHandler } from './list-projects/list-projects.handler.js';
import { ListProjectsResolver } from './list-projects/list-projects.resolver.js';

/** The builds plugin's Nest module: its projection, and one folder per route or GraphQL query (controller, resolver, query, handler). */
@Module({
  controllers: [ListBuildsController, GetBuildController, GetBuildDiskUsageController, ListProjectsController, GetProjectDiskUsageController],
  providers: [
    BuildsProjection,
    ApplyBuildCreated,
    ApplyBuildUpdated,
    ApplyBuildDiskUsage,
    ApplyBuildReaped,
    ListBuildsHandler,
    FindBuildsHandler,
    FindBuildsResolver,
    GetBuildHandler,
    GetBuildResolver,
    GetBuildDiskUsageHandler,
    ListProjectsHandler,
    ListProjectsResolver,
    GetProjectDiskUsageHandler,
    GetProjectDiskUsageResolver,
  ],
})
export class BuildsModule {}
