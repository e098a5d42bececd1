import { Body, Controller, HttpCode, Param, Post, UseGuards, UsePipes } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { ProjectionStatusBody } from '../projection-status/projection-status.dto.js';
import { RebuildProjection } from './rebuild-projection.command.js';
import { RebuildProjectionBody } from './rebuild-projection.dto.js';

@ApiTags('projections (admin)')
@ApiBearerAuth()
@Controller('v1/projections')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class RebuildProjectionController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({ operationId: 'RebuildProjectionController_rebuild',
    summary: 'Rebuild a projection from the log into shadow tables, then swap them in (platform admin key)',
    description: 'Answers at once; follow the progress with GET /v1/projections/{name}. An unfinished rebuild is continued, not restarted.',
  })
  @ApiResponse({ status: 202, type: ProjectionStatusBody })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'admin_required' })
  @ApiResponse({ status: 404, description: 'projection_not_found' })
  async rebuild(@Caller() caller: Principal, @Param('name') name: string, @Body() body: RebuildProjectionBody): Promise<ProjectionStatusBody> {
    return this.commandBus.execute(new RebuildProjection(caller, name, body.restart ?? false));
  }
}
