import { Module } from '@nestjs/common';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';
import { UsersResolver } from './users.resolver.js';

@Module({ controllers: [UsersController], providers: [UsersResolver, UsersService], exports: [UsersService] })
export class UsersModule {}
