import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { uuidOf } from '../build-ids.pipe.js';
import { BuildView } from '../builds.dto.js';
import { GetBuild } from './get-build.query.js';

@ApiTags('builds (plugin, probo-db)')
@ApiBearerAuth()
@Controller()
@UseGuards(ApiKeyGuard)
export class GetBuildController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('build/:build')
  @ApiOperation({ operationId: 'BuildsController_build', summary: 'A build by id' })
  @ApiResponse({ status: 200, type: BuildView })
  @ApiResponse({ status: 400, description: 'build_id_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 404, description: 'build_not_found' })
  async build(@Caller() caller: Principal, @Param('build', uuidOf('build')) buildId: string): Promise<BuildView> {
    return this.queryBus.execute(new GetBuild(caller, buildId));
  }
}
