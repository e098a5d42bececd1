import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { MAX_IDS } from '../build-ids.pipe.js';
import { ListBuildsParams } from './list-builds.dto.js';
import { ListBuilds } from './list-builds.query.js';

/** probo-db's REST API, scoped to the caller's tenant. */
@ApiTags('builds (plugin, probo-db)')
@ApiBearerAuth()
@Controller()
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ListBuildsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('build')
  @ApiOperation({ operationId: 'BuildsController_builds', summary: "The tenant's build ids, in order (reaped ones included, as in probo-db)" })
  @ApiResponse({ status: 200, type: [String] })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async builds(@Caller() caller: Principal, @Query() params: ListBuildsParams): Promise<string[]> {
    return this.queryBus.execute(new ListBuilds(caller, { projectId: params.project, after: params.after, limit: params.limit ?? MAX_IDS }));
  }
}
