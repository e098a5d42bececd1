import { Module } from '@nestjs/common';
import { CreateDeploymentController } from './create-deployment/create-deployment.controller.js';
import { CreateDeploymentHandler } from './create-deployment/create-deployment.handler.js';
import { GetDeploymentController } from './get-deployment/get-deployment.controller.js';
import { GetDeploymentHandler } from './get-deployment/get-deployment.handler.js';
import { ListDeploymentsController } from './list-deployments/list-deployments.controller.js';
import { ListDeploymentsHandler } from './list-deployments/list-deployments.handler.js';
import { ListIntegrationsController } from './list-integrations/list-integrations.controller.js';
import { ListIntegrationsHandler } from './list-integrations/list-integrations.handler.js';
import { UpdateDeploymentController } from './update-deployment/update-deployment.controller.js';
import { UpdateDeploymentHandler } from './update-deployment/update-deployment.handler.js';

/** The integrations this worker runs, and the tenants' deployments of them (configuration and sealed credentials). */
@Module({
  controllers: [ListIntegrationsController, CreateDeploymentController, ListDeploymentsController, GetDeploymentController, UpdateDeploymentController],
  providers: [ListIntegrationsHandler, CreateDeploymentHandler, ListDeploymentsHandler, GetDeploymentHandler, UpdateDeploymentHandler],
})
export class DeploymentsModule {}
