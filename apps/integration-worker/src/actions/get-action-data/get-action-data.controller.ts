import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { traceIdOf } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import type { Request, Response } from 'express';
import { ActionDataBody, ActionDataParams, UpstreamStaleBody } from './get-action-data.dto.js';
import { GetActionData } from './get-action-data.query.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class GetActionDataController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('actions/:id/data')
  @ApiOperation({
    operationId: 'ActionsController_data',
    summary: "A data action's document: fetched from the upstream, or from the cache when younger than maxAge or while the upstream fails",
  })
  @ApiResponse({ status: 200, type: ActionDataBody, description: 'Freshly synced: fetched now, or cached less than maxAge seconds ago. Headers: Age, Cache-Control' })
  @ApiResponse({ status: 203, type: ActionDataBody, description: 'From the cache within its validity: the upstream failed or did not answer in time (upstreamError says which)' })
  @ApiResponse({ status: 400, description: 'validation_failed (maxAge), action_serves_no_data' })
  @ApiResponse({ status: 404, description: "action_not_found (also another tenant's action)" })
  @ApiResponse({ status: 409, description: 'action_disabled' })
  @ApiResponse({ status: 502, type: UpstreamStaleBody, description: 'upstream_stale: the upstream failed and the cache has expired (data: the expired document or null)' })
  async data(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query() params: ActionDataParams,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ActionDataBody | UpstreamStaleBody> {
    const traceId = traceIdOf(request);
    const answer = await this.queryBus.execute(new GetActionData(caller, id, params.maxAge ?? 0, traceId));
    response.status(answer.status);
    if (answer.ageSeconds !== null) response.setHeader('age', String(answer.ageSeconds));
    if (answer.status === 502) {
      response.setHeader('cache-control', 'no-store');
      return { error: { code: 'upstream_stale', message: answer.message }, traceId, data: answer.data, ageSeconds: answer.ageSeconds };
    }
    // Fresh for the caller's caches while Age < max-age: the document's validity from its fetch.
    const validForSeconds = Math.max(0, Math.floor((answer.validUntil.getTime() - answer.fetchedAt.getTime()) / 1000));
    response.setHeader('cache-control', `private, max-age=${validForSeconds}`);
    return {
      data: answer.data,
      ageSeconds: answer.ageSeconds,
      fetchedAt: answer.fetchedAt.toISOString(),
      validUntil: answer.validUntil.toISOString(),
      source: answer.source,
      ...(answer.upstreamError ? { upstreamError: answer.upstreamError } : {}),
    };
  }
}
