import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { UpdateUser } from './update-user.command.js';
import { Caller, type Principal } from '@tributary/tenancy';
import { ManagementApi, NotFoundResponse } from '../../management-api/management-api.js';
import { UpdateUserBody } from './update-user.dto.js';
import { UserView } from '../user.dto.js';

@ManagementApi('users')
@Controller('v1/users')
export class UpdateUserController {
  constructor(private readonly commandBus: CommandBus) {}

  @Patch(':userId')
  @ApiOperation({ operationId: 'UsersController_update', summary: 'Rename, change the role of, disable or enable a user (owner)' })
  @ApiResponse({ status: 200, type: UserView })
  @NotFoundResponse('user_not_found')
  update(@Caller() caller: Principal, @Param('userId') id: string, @Body() body: UpdateUserBody): Promise<UserView> {
    return this.commandBus.execute(new UpdateUser(caller, id, body));
  }
}
