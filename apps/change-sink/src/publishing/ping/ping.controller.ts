import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

/** esink's liveness probe. */
@ApiTags('health')
@Controller('ping')
export class PingController {
  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ operationId: 'PingController_ping', summary: 'Always "pong" while the service is up (esink)' })
  @ApiOkResponse({ description: 'pong', schema: { type: 'string', example: 'pong' } })
  ping(): string {
    return 'pong';
  }
}
