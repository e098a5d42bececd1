import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../admin/caller-scope.js';
import {
  ActionBody,
  CreateActionBody,
  CreateDeploymentBody,
  DeploymentBody,
  IntegrationBody,
  ListRunsQuery,
  RunActionBody,
  RunBody,
  RunListBody,
  RunRequestedBody,
  UpdateActionBody,
  UpdateDeploymentBody,
} from './deployment.dto.js';
import { DeploymentsService } from './deployments.service.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Get('integrations')
  @ApiOperation({ summary: 'The integrations this worker runs, with their methods, topics and onSuccess targets' })
  @ApiResponse({ status: 200, type: [IntegrationBody] })
  integrations(): IntegrationBody[] {
    return this.deployments.catalogue();
  }

  @Post('deployments')
  @ApiOperation({ summary: "Configure an integration for an external service (credentials are encrypted and never returned)" })
  @ApiResponse({ status: 201, type: DeploymentBody })
  @ApiResponse({ status: 400, description: 'validation_failed, integration_unknown, deployment_config_invalid, deployment_credentials_invalid' })
  @ApiResponse({ status: 403, description: 'tenant_required, read_only_key' })
  @ApiResponse({ status: 409, description: 'deployment_exists' })
  create(@Caller() caller: Principal, @Body() body: CreateDeploymentBody): Promise<DeploymentBody> {
    requireWriter(caller);
    return this.deployments.create(caller, body);
  }

  @Get('deployments')
  @ApiOperation({ summary: "The tenant's deployments" })
  @ApiResponse({ status: 200, type: [DeploymentBody] })
  list(@Caller() caller: Principal): Promise<DeploymentBody[]> {
    return this.deployments.list(caller);
  }

  @Get('deployments/:id')
  @ApiOperation({ summary: 'One deployment (without its credentials)' })
  @ApiResponse({ status: 200, type: DeploymentBody })
  @ApiResponse({ status: 404, description: 'deployment_not_found' })
  get(@Caller() caller: Principal, @Param('id') id: string): Promise<DeploymentBody> {
    return this.deployments.get(caller, id);
  }

  @Patch('deployments/:id')
  @ApiOperation({ summary: 'Change a deployment: configuration, credentials (replaced, never returned), network policy, enabled' })
  @ApiResponse({ status: 200, type: DeploymentBody })
  @ApiResponse({ status: 400, description: 'validation_failed, deployment_config_invalid, deployment_credentials_invalid' })
  @ApiResponse({ status: 404, description: 'deployment_not_found' })
  update(@Caller() caller: Principal, @Param('id') id: string, @Body() body: UpdateDeploymentBody): Promise<DeploymentBody> {
    requireWriter(caller);
    return this.deployments.update(caller, id, body);
  }

  @Patch('actions/:id')
  @ApiOperation({ summary: 'Enable or disable an action, or its runs on its topic' })
  @ApiResponse({ status: 200, type: ActionBody })
  @ApiResponse({ status: 404, description: 'action_not_found' })
  updateAction(@Caller() caller: Principal, @Param('id') id: string, @Body() body: UpdateActionBody): Promise<ActionBody> {
    requireWriter(caller);
    return this.deployments.updateAction(caller, id, body);
  }

  @Post('deployments/:id/actions')
  @ApiOperation({ summary: "Bind one of the integration's methods to the deployment (runs by topic, schedule or hand)" })
  @ApiResponse({ status: 201, type: ActionBody })
  @ApiResponse({ status: 400, description: 'method_unknown, method_not_actionable' })
  @ApiResponse({ status: 404, description: 'deployment_not_found' })
  @ApiResponse({ status: 409, description: 'action_exists' })
  addAction(@Caller() caller: Principal, @Param('id') id: string, @Body() body: CreateActionBody): Promise<ActionBody> {
    requireWriter(caller);
    return this.deployments.addAction(caller, id, body);
  }

  @Get('actions')
  @ApiOperation({ summary: "The tenant's actions" })
  @ApiResponse({ status: 200, type: [ActionBody] })
  actions(@Caller() caller: Principal): Promise<ActionBody[]> {
    return this.deployments.listActions(caller);
  }

  @Post('actions/:id/runs')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run an action by hand; the run goes through the same handler, retries and history' })
  @ApiResponse({ status: 202, type: RunRequestedBody })
  @ApiResponse({ status: 400, description: 'validation_failed, payload_invalid' })
  @ApiResponse({ status: 404, description: 'action_not_found' })
  @ApiResponse({ status: 409, description: 'action_disabled' })
  run(@Caller() caller: Principal, @Param('id') id: string, @Body() body: RunActionBody, @Req() request: { traceparent?: string }): Promise<RunRequestedBody> {
    requireWriter(caller);
    return this.deployments.requestRun(caller, id, body.input, request.traceparent);
  }

  @Get('runs')
  @ApiOperation({ summary: 'Run records, newest first (a tenant key: its own; the admin key: all)' })
  @ApiResponse({ status: 200, type: RunListBody })
  async runs(@Caller() caller: Principal, @Query() query: ListRunsQuery): Promise<RunListBody> {
    return { items: await this.deployments.listRuns(caller, query) };
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run record' })
  @ApiResponse({ status: 200, type: RunBody })
  @ApiResponse({ status: 404, description: 'run_not_found' })
  getRun(@Caller() caller: Principal, @Param('id') id: string): Promise<RunBody> {
    return this.deployments.getRun(caller, id);
  }
}
