import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { DeadLetterDetailBody } from './get-dead-letter.dto.js';
import { GetDeadLetter } from './get-dead-letter.query.js';

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
@UseGuards(ApiKeyGuard)
export class GetDeadLetterController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ApiOperation({ operationId: 'DeadLettersController_show', summary: 'Show one dead letter with its envelope' })
  @ApiResponse({ status: 200, type: DeadLetterDetailBody })
  @ApiResponse({ status: 404, description: 'dead_letter_not_found' })
  show(@Caller() caller: Principal, @Param('id') id: string): Promise<DeadLetterDetailBody> {
    return this.queryBus.execute(new GetDeadLetter(caller, id));
  }
}
