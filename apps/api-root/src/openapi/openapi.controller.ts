import { Controller, Get, Req, Res } from '@nestjs/common';
import { sendError } from '@tributary/edge';
import { isTributaryError } from '@tributary/domain';
import type { Request, Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenApiComposition } from './openapi-composition.js';
import type { OpenApiDocument } from './compose-openapi.js';

@ApiTags('openapi')
@Controller()
export class OpenApiController {
  constructor(private readonly composition: OpenApiComposition) {}

  /** Read from the apps at the time asked (kept 30 s): 502 `app_unreachable` while an app has never answered. */
  @Get('docs-json')
  @ApiOperation({ operationId: 'ApiRoot_openapi', summary: "The four apps' OpenAPI documents as one, paths under /<app>" })
  async document(@Req() request: Request, @Res() response: Response): Promise<void> {
    let document: OpenApiDocument;
    try {
      document = await this.composition.composed();
    } catch (error) {
      if (!isTributaryError(error)) throw error;
      // 502, not the 503 the kind maps to: the root is up, the app behind it is not.
      return sendError(request, response, 502, error.code, error.message);
    }
    response.json(document);
  }
}
