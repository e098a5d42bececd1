import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ListUsers } from './list-users.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi } from '../../management-api/management-api.js';
import { UserPage, UserView } from '../user.dto.js';
import { type Page, PageQuery } from '../../pagination/page.dto.js';

@ManagementApi('users')
@Controller('v1/users')
export class ListUsersController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'UsersController_list', summary: "List the tenant's users" })
  @ApiResponse({ status: 200, type: UserPage })
  list(@Caller() caller: Principal, @Query() page: PageQuery): Promise<Page<UserView>> {
    return this.queryBus.execute(new ListUsers(caller, page));
  }
}
