import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TributaryError } from '@tributary/domain';
import { ApiKeyGuard, Caller, TenantContext, type Principal } from '@tributary/tenancy';

/**
 * `GET /v1/listen` without an upgrade: the route is a WebSocket (ListenServer answers the upgrade before Nest sees
 * it), so a plain request is told so — after its key is checked, like the upgrade's. Outside OpenAPI, like /ui.
 */
@ApiExcludeController()
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ListenController {
  @Get('listen')
  plain(@Caller() caller: Principal): never {
    TenantContext.of(caller);
    throw new TributaryError('invalid', 'websocket_required', 'GET /v1/listen is a WebSocket: connect with Upgrade: websocket (tributary listen)');
  }
}
