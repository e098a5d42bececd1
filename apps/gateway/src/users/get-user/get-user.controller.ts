import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { GetUser } from './get-user.query.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { UserView } from '../user.dto.js';

@ManagementApi('users')
@Controller('v1/users')
export class GetUserController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':userId')
  @ApiOperation({ operationId: 'UsersController_get', summary: 'Get a user' })
  @ApiResponse({ status: 200, type: UserView })
  @NotFoundResponse('user_not_found')
  get(@Caller() caller: Principal, @Param('userId') id: string): Promise<UserView> {
    return this.queryBus.execute(new GetUser(caller, id));
  }
}
