import { Module } from '@nestjs/common';
import { CreateUserController } from './create-user/create-user.controller.js';
import { CreateUserHandler } from './create-user/create-user.handler.js';
import { CreateUserResolver } from './create-user/create-user.resolver.js';
import { GetUserController } from './get-user/get-user.controller.js';
import { GetUserHandler } from './get-user/get-user.handler.js';
import { GetUserResolver } from './get-user/get-user.resolver.js';
import { ListUsersController } from './list-users/list-users.controller.js';
import { ListUsersHandler } from './list-users/list-users.handler.js';
import { ListUsersResolver } from './list-users/list-users.resolver.js';
import { UpdateUserController } from './update-user/update-user.controller.js';
import { UpdateUserHandler } from './update-user/update-user.handler.js';
import { UpdateUserResolver } from './update-user/update-user.resolver.js';

/** A tenant's users: visible to everyone in the tenant, managed by its owners. */
@Module({
  controllers: [CreateUserController, ListUsersController, GetUserController, UpdateUserController],
  providers: [CreateUserHandler, CreateUserResolver, ListUsersHandler, ListUsersResolver, GetUserHandler, GetUserResolver, UpdateUserHandler, UpdateUserResolver],
})
export class UsersModule {}
