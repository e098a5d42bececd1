import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TributaryError } from '@tributary/domain';
import { timingSafeEqual, createHash } from 'node:crypto';
import { ChangeSinkConfig } from '../../change-sink.config.js';
import { PublishChange } from './publish-change.command.js';
import { PublishChangeBody, PublishedBody } from './publish-change.dto.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** esink's POST /publish: status codes as esink documents them, errors in the platform's body. */
@ApiTags('publish')
@Controller('publish')
export class PublishController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly config: ChangeSinkConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ operationId: 'PublishController_publish', summary: 'Send a change to connected clients (esink): to one userId, or "*" for everyone' })
  @ApiBody({ type: PublishChangeBody })
  @ApiResponse({ status: 200, type: PublishedBody, description: 'Created and sent' })
  @ApiResponse({ status: 400, description: 'validation_failed / invalid_json: invalid parameters' })
  @ApiResponse({ status: 401, description: 'security_token_invalid: securityToken does not match SECURITY_TOKEN' })
  @ApiResponse({ status: 403, description: 'publishing_disabled: no SECURITY_TOKEN is configured' })
  async publish(@Body() body: unknown): Promise<PublishedBody> {
    const expected = this.config.SECURITY_TOKEN;
    if (!expected) throw new TributaryError('forbidden', 'publishing_disabled', 'Publishing is disabled: no SECURITY_TOKEN is configured');
    const given = (body as { securityToken?: unknown } | null)?.securityToken;
    // Compare digests: constant time whatever the lengths, and nothing about the token leaks.
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), digest(expected))) {
      throw new TributaryError('unauthenticated', 'security_token_invalid', 'Invalid security token');
    }
    return this.commandBus.execute(PublishChange.fromApi(body));
  }
}
