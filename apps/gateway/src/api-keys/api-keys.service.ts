import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { ApiKeys, requireRole, type Principal, type TenantRole } from '@tributary/tenancy';
import { notFound, UUID_PATTERN } from '../access/not-found.js';
import { cursorColumns, paginate, type Page, type PageQuery } from '../access/pagination.js';
import { TenantTransactions } from '../access/tenant-transactions.js';
import type { ApiKeyCreatedView, ApiKeyView, CreateApiKeyBody } from './api-key.model.js';

interface ApiKeyRow {
  id: string;
  name: string;
  role: TenantRole;
  user_id: string | null;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

const SELECT = `SELECT k.id, k.name, coalesce(u.role, k.role) AS role, k.user_id, k.prefix, k.created_at, k.revoked_at
                  FROM tenancy.api_keys k LEFT JOIN tenancy.users u ON u.id = k.user_id`;

const toView = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  role: row.role,
  userId: row.user_id,
  prefix: `trb_${row.prefix}`,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

/** A tenant's API keys: anyone in the tenant may see them (never their secrets); owners issue and revoke. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly apiKeys: ApiKeys,
    private readonly tx: TenantTransactions,
  ) {}

  async create(caller: Principal, input: CreateApiKeyBody): Promise<ApiKeyCreatedView> {
    const tenant = requireRole(caller, 'owner');
    return this.tx.run(tenant, async (manager) => {
      if (!input.userId) {
        if (!input.role) throw new TributaryError('invalid', 'validation_failed', 'role is required for a key without a user', { fields: ['role'] });
        return this.issueIn(manager, tenant.tenantId, input.name, input.role, null);
      }
      const [user] = await manager.query<{ role: TenantRole; disabled: boolean }[]>(
        `SELECT role, disabled_at IS NOT NULL AS disabled FROM tenancy.users WHERE tenant_id = $1 AND id = $2`,
        [tenant.tenantId, input.userId],
      );
      if (!user) throw notFound('user');
      if (user.disabled) throw new TributaryError('conflict', 'user_disabled', 'The user is disabled');
      return this.issueIn(manager, tenant.tenantId, input.name, user.role, input.userId);
    });
  }

  async issueIn(q: Queryable, tenantId: string, name: string, role: TenantRole, userId: string | null): Promise<ApiKeyCreatedView> {
    const { id, key } = await this.apiKeys.issue(q, role, tenantId, name, userId);
    return { ...(await this.find(q, tenantId, id)), key };
  }

  async list(caller: Principal, page: PageQuery): Promise<Page<ApiKeyView>> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) =>
      paginate(manager, `${SELECT.replace('SELECT', `SELECT ${cursorColumns('k')},`)} WHERE k.tenant_id = $1`, [tenant.tenantId], 'k', page, toView),
    );
  }

  async get(caller: Principal, id: string): Promise<ApiKeyView> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) => this.find(manager, tenant.tenantId, id));
  }

  /** Revoking is final: the key stops working at once (a lost key is replaced, not restored). */
  async revoke(caller: Principal, id: string): Promise<ApiKeyView> {
    const tenant = requireRole(caller, 'owner');
    return this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenant.tenantId, id);
      await manager.query(`UPDATE tenancy.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = $1 AND id = $2`, [tenant.tenantId, id]);
      return this.find(manager, tenant.tenantId, id);
    });
  }

  private async find(q: Queryable, tenantId: string, id: string): Promise<ApiKeyView> {
    if (!UUID_PATTERN.test(id)) throw notFound('api_key');
    const [row] = await q.query<ApiKeyRow>(`${SELECT} WHERE k.tenant_id = $1 AND k.id = $2`, [tenantId, id]);
    if (!row) throw notFound('api_key');
    return toView(row);
  }
}
