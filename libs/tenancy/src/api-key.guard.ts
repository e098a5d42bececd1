import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeys, bearerToken } from './api-keys.js';
import type { Principal } from './principal.js';

interface AuthenticatedRequest {
  headers: Record<string, unknown>;
  principal?: Principal;
}

/** Authenticates `Authorization: Bearer <api key>` on HTTP routes; the principal is then `@Caller()`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeys,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.apiKeys.authenticate(this.dataSource, bearerToken(request.headers.authorization));
    return true;
  }
}

export const Caller = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest<AuthenticatedRequest>().principal!,
);
