import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DeadLetterQueue } from '@tributary/messaging';
import { ApiKeyGuard, Caller, TenantContext, withTenant, type Principal } from '@tributary/tenancy';
import { DataSource, type EntityManager } from 'typeorm';
import { requireWriter, tenantScopeOf } from '../caller-scope.js';
import { DeadLetterBody, DeadLetterDetailBody, DeadLetterListBody, ListDeadLettersQuery } from './dead-letter.dto.js';

/**
 * The dead-letter queue of every consumer group (both transports write to it). The platform admin
 * key sees all of it; a tenant key only its tenant's messages.
 */
@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('v1/dead-letters')
@UseGuards(ApiKeyGuard)
export class DeadLettersController {
  private readonly queue = new DeadLetterQueue();

  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'List dead letters (default: status dead), oldest first' })
  @ApiResponse({ status: 200, type: DeadLetterListBody })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  async list(@Caller() caller: Principal, @Query() query: ListDeadLettersQuery): Promise<DeadLetterListBody> {
    const limit = query.limit ?? 100;
    const items = await this.scoped(caller, (db) => this.queue.list(db, { ...query, limit, tenantId: tenantScopeOf(caller) }));
    return { items, ...(items.length === limit ? { next: items[items.length - 1].id } : {}) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Show one dead letter with its envelope' })
  @ApiResponse({ status: 200, type: DeadLetterDetailBody })
  @ApiResponse({ status: 404, description: 'dead_letter_not_found' })
  show(@Caller() caller: Principal, @Param('id') id: string): Promise<DeadLetterDetailBody> {
    return this.scoped(caller, (db) => this.queue.get(db, id, tenantScopeOf(caller)));
  }

  @Post(':id/redrive')
  @HttpCode(202)
  @ApiOperation({ summary: "Send a dead letter back to its consumer group's retries (from attempt 1, in order behind its key)" })
  @ApiResponse({ status: 202, type: DeadLetterBody })
  @ApiResponse({ status: 403, description: 'read_only_key' })
  @ApiResponse({ status: 404, description: 'dead_letter_not_found' })
  @ApiResponse({ status: 409, description: 'dead_letter_not_dead (already redriven, resolved or discarded)' })
  redrive(@Caller() caller: Principal, @Param('id') id: string): Promise<DeadLetterBody> {
    requireWriter(caller);
    return this.scoped(caller, (db) => this.queue.redrive(db, id, tenantScopeOf(caller)));
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give a dead letter up (it stays listed as discarded)' })
  @ApiResponse({ status: 200, type: DeadLetterBody })
  @ApiResponse({ status: 403, description: 'read_only_key' })
  @ApiResponse({ status: 404, description: 'dead_letter_not_found' })
  @ApiResponse({ status: 409, description: 'dead_letter_not_dead' })
  discard(@Caller() caller: Principal, @Param('id') id: string): Promise<DeadLetterBody> {
    requireWriter(caller);
    return this.scoped(caller, (db) => this.queue.discard(db, id, tenantScopeOf(caller)));
  }

  /** A tenant key works in its tenant's transaction (row-level security behind the tenant filter); the admin key across tenants. */
  private scoped<T>(caller: Principal, work: (db: EntityManager) => Promise<T>): Promise<T> {
    if (caller.kind === 'platform_admin') return this.dataSource.transaction(work);
    return withTenant(this.dataSource, TenantContext.of(caller), work);
  }
}
