import { Module } from '@nestjs/common';
import { CreateAppController } from './create-app/create-app.controller.js';
import { CreateAppHandler } from './create-app/create-app.handler.js';
import { CreateAppResolver } from './create-app/create-app.resolver.js';
import { GetAppController } from './get-app/get-app.controller.js';
import { GetAppHandler } from './get-app/get-app.handler.js';
import { GetAppResolver } from './get-app/get-app.resolver.js';
import { ListAppsController } from './list-apps/list-apps.controller.js';
import { ListAppsHandler } from './list-apps/list-apps.handler.js';
import { ListAppsResolver } from './list-apps/list-apps.resolver.js';
import { UpdateAppController } from './update-app/update-app.controller.js';
import { UpdateAppHandler } from './update-app/update-app.handler.js';
import { UpdateAppResolver } from './update-app/update-app.resolver.js';

/** Apps: read by anyone in the tenant, created and changed by members and owners. */
@Module({
  controllers: [CreateAppController, ListAppsController, GetAppController, UpdateAppController],
  providers: [CreateAppHandler, CreateAppResolver, ListAppsHandler, ListAppsResolver, GetAppHandler, GetAppResolver, UpdateAppHandler, UpdateAppResolver],
})
export class AppsModule {}
