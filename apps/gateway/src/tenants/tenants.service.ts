import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { requirePlatformAdmin, requireRole, Tenants, type Principal } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { cursorColumns, paginate, type Page, type PageQuery } from '../access/pagination.js';
import { notFound, UUID_PATTERN } from '../access/not-found.js';
import { TenantTransactions } from '../access/tenant-transactions.js';
import { WebhookDirectory } from '../webhooks/webhook-directory.js';
import type { ApiKeyCreatedView } from '../api-keys/api-key.model.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { CreateTenantBody, IssueTenantKeyBody, TenantCreatedView, TenantView, UpdateOwnTenantBody, UpdateTenantBody } from './tenant.model.js';

interface TenantRow {
  id: string;
  name: string;
  disabled_at: Date | null;
  rate_limit_per_second: number | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 't.id, t.name, t.disabled_at, t.rate_limit_per_second, t.created_at, t.updated_at';

export const toTenantView = (row: TenantRow): TenantView => ({
  id: row.id,
  name: row.name,
  enabled: row.disabled_at === null,
  rateLimitPerSecond: row.rate_limit_per_second,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Tenants: created, listed and changed by the platform admin only (never unauthenticated); a
 * tenant's own keys see and rename their own tenant and nothing else.
 */
@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: Tenants,
    private readonly keys: ApiKeysService,
    private readonly tx: TenantTransactions,
    private readonly directory: WebhookDirectory,
  ) {}

  async create(caller: Principal, input: CreateTenantBody): Promise<TenantCreatedView> {
    requirePlatformAdmin(caller);
    return this.dataSource.transaction(async (manager) => {
      const created = await this.tenants.create(manager, input.name);
      if (input.rateLimitPerSecond) {
        await manager.query(`UPDATE tenancy.tenants SET rate_limit_per_second = $2 WHERE id = $1`, [created.id, input.rateLimitPerSecond]);
      }
      return { ...(await this.find(manager, created.id)), apiKey: created.apiKey };
    });
  }

  async list(caller: Principal, page: PageQuery): Promise<Page<TenantView>> {
    requirePlatformAdmin(caller);
    return paginate(this.dataSource, `SELECT ${COLUMNS}, ${cursorColumns('t')} FROM tenancy.tenants t WHERE true`, [], 't', page, toTenantView);
  }

  async get(caller: Principal, id: string): Promise<TenantView> {
    requirePlatformAdmin(caller);
    return this.find(this.dataSource, id);
  }

  async update(caller: Principal, id: string, input: UpdateTenantBody): Promise<TenantView> {
    requirePlatformAdmin(caller);
    const updated = await this.dataSource.transaction(async (manager) => {
      await this.find(manager, id);
      await manager.query(
        `UPDATE tenancy.tenants SET
           name = coalesce($2, name),
           disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at WHEN $3 THEN NULL ELSE coalesce(disabled_at, now()) END,
           rate_limit_per_second = CASE WHEN $4::boolean THEN $5::integer ELSE rate_limit_per_second END,
           updated_at = now()
         WHERE id = $1`,
        [id, input.name ?? null, input.enabled ?? null, input.rateLimitPerSecond !== undefined, input.rateLimitPerSecond ?? null],
      );
      return this.find(manager, id);
    });
    this.directory.forgetAll();
    return updated;
  }

  /** The platform admin hands a tenant a key (provisioning, or recovery when its owners lost theirs). */
  async issueKey(caller: Principal, tenantId: string, input: IssueTenantKeyBody): Promise<ApiKeyCreatedView> {
    requirePlatformAdmin(caller);
    return this.dataSource.transaction(async (manager) => {
      await this.find(manager, tenantId);
      return this.keys.issueIn(manager, tenantId, input.name, input.role, null);
    });
  }

  /** The caller's own tenant. */
  async own(caller: Principal): Promise<TenantView> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) => this.find(manager, tenant.tenantId));
  }

  async renameOwn(caller: Principal, input: UpdateOwnTenantBody): Promise<TenantView> {
    const tenant = requireRole(caller, 'owner');
    return this.tx.run(tenant, async (manager) => {
      await manager.query(`UPDATE tenancy.tenants SET name = $2, updated_at = now() WHERE id = $1`, [tenant.tenantId, input.name]);
      return this.find(manager, tenant.tenantId);
    });
  }

  async find(q: Queryable, id: string): Promise<TenantView> {
    if (!UUID_PATTERN.test(id)) throw notFound('tenant');
    const [row] = await q.query<TenantRow>(`SELECT ${COLUMNS} FROM tenancy.tenants t WHERE t.id = $1`, [id]);
    if (!row) throw notFound('tenant');
    return toTenantView(row);
  }
}
