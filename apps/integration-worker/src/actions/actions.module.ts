import { Module } from '@nestjs/common';
import { AddActionController } from './add-action/add-action.controller.js';
import { AddActionHandler } from './add-action/add-action.handler.js';
import { GetActionDataController } from './get-action-data/get-action-data.controller.js';
import { GetActionDataHandler } from './get-action-data/get-action-data.handler.js';
import { ListActionsController } from './list-actions/list-actions.controller.js';
import { ListActionsHandler } from './list-actions/list-actions.handler.js';
import { RunActionController } from './run-action/run-action.controller.js';
import { RunActionHandler } from './run-action/run-action.handler.js';
import { UpdateActionController } from './update-action/update-action.controller.js';
import { UpdateActionHandler } from './update-action/update-action.handler.js';

/** Actions: a deployment's methods bound to run by topic, schedule or hand (and the runs by hand), and data actions' documents. */
@Module({
  controllers: [AddActionController, ListActionsController, UpdateActionController, RunActionController, GetActionDataController],
  providers: [AddActionHandler, ListActionsHandler, UpdateActionHandler, RunActionHandler, GetActionDataHandler],
})
export class ActionsModule {}
