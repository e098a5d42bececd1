import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { uuidOf } from '../build-ids.pipe.js';
import { BuildDiskUsageView } from './get-build-disk-usage.dto.js';
import { GetBuildDiskUsage } from './get-build-disk-usage.query.js';

@ApiTags('builds (plugin, probo-db)')
@ApiBearerAuth()
@Controller()
@UseGuards(ApiKeyGuard)
export class GetBuildDiskUsageController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('build/:build/disk-usage')
  @ApiOperation({ operationId: 'BuildsController_buildDiskUsage', summary: "A build's disk usage" })
  @ApiResponse({ status: 200, type: BuildDiskUsageView })
  @ApiResponse({ status: 400, description: 'build_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 404, description: 'build_not_found' })
  async buildDiskUsage(@Caller() caller: Principal, @Param('build', uuidOf('build')) buildId: string): Promise<BuildDiskUsageView> {
    return this.queryBus.execute(new GetBuildDiskUsage(caller, buildId));
  }
}
