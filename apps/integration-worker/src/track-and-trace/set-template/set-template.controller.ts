import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requireWriter } from '../../caller-scope.js';
import { SetTemplate } from './set-template.command.js';
import { TemplateBody } from './set-template.dto.js';

@ApiTags('tracking')
@ApiBearerAuth()
@Controller('v1/tracking')
@UseGuards(ApiKeyGuard)
export class SetTemplateController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('templates/:state/:language')
  @ApiOperation({ operationId: 'TrackingController_setTemplate', summary: "The tenant's own notification for a state in a language (instead of the built-in one)" })
  @ApiResponse({ status: 200, type: TemplateBody })
  @ApiResponse({ status: 400, description: 'validation_failed, template_invalid' })
  setTemplate(@Caller() caller: Principal, @Param('state') state: string, @Param('language') language: string, @Body() body: TemplateBody): Promise<TemplateBody> {
    requireWriter(caller);
    return this.commandBus.execute(new SetTemplate(caller, state, language, body));
  }
}
