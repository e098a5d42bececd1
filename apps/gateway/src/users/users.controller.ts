import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../access/api-docs.js';
import { PageQuery } from '../access/pagination.js';
import { CreateUserBody, UpdateUserBody, UserPage, UserView } from './user.model.js';
import { UsersService } from './users.service.js';

@ManagementApi('users')
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Add a user to the tenant (owner)' })
  @ApiResponse({ status: 201, type: UserView })
  @ApiResponse({ status: 409, description: 'user_exists' })
  create(@Caller() caller: Principal, @Body() body: CreateUserBody): Promise<UserView> {
    return this.users.create(caller, body);
  }

  @Get()
  @ApiOperation({ summary: "List the tenant's users" })
  @ApiResponse({ status: 200, type: UserPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery) {
    return this.users.list(caller, page);
  }

  @Get(':userId')
  @ApiOperation({ summary: 'Get a user' })
  @ApiResponse({ status: 200, type: UserView })
  @NotFoundResponse('user_not_found')
  get(@Caller() caller: Principal, @Param('userId') id: string): Promise<UserView> {
    return this.users.get(caller, id);
  }

  @Patch(':userId')
  @ApiOperation({ summary: 'Rename, change the role of, disable or enable a user (owner)' })
  @ApiResponse({ status: 200, type: UserView })
  @NotFoundResponse('user_not_found')
  update(@Caller() caller: Principal, @Param('userId') id: string, @Body() body: UpdateUserBody): Promise<UserView> {
    return this.users.update(caller, id, body);
  }
}
