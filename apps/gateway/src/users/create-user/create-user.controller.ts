import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { CreateUser } from './create-user.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { CreateUserBody } from './create-user.dto.js';
import { ManagementApi } from '../../management-api/management-api.js';
import { UserView } from '../user.dto.js';

@ManagementApi('users')
@Controller('v1/users')
export class CreateUserController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ operationId: 'UsersController_create', summary: 'Add a user to the tenant (owner)' })
  @ApiResponse({ status: 201, type: UserView })
  @ApiResponse({ status: 409, description: 'user_exists' })
  create(@Caller() caller: Principal, @Body() body: CreateUserBody): Promise<UserView> {
    return this.commandBus.execute(new CreateUser(caller, body));
  }
}
