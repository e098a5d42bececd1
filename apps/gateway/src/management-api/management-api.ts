import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '@tributary/tenancy';
import { ErrorBody } from './error-body.dto.js';

/** A management controller: bearer API key, and the error answers every route can give. */
export const ManagementApi = (tag: string) =>
  applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(ApiKeyGuard),
    ApiResponse({ status: 400, type: ErrorBody, description: 'validation_failed, cursor_invalid' }),
    ApiResponse({ status: 401, type: ErrorBody, description: 'unauthenticated: no valid API key' }),
    ApiResponse({ status: 403, type: ErrorBody, description: 'role_insufficient, tenant_required, admin_required, tenant_disabled' }),
  );

export const NotFoundResponse = (code: string) => ApiResponse({ status: 404, type: ErrorBody, description: `${code}: unknown, or another tenant's` });
