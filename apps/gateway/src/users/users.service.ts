import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { requireRole, type Principal, type TenantRole } from '@tributary/tenancy';
import { notFound, UUID_PATTERN } from '../access/not-found.js';
import { cursorColumns, paginate, type Page, type PageQuery } from '../access/pagination.js';
import { TenantTransactions } from '../access/tenant-transactions.js';
import type { CreateUserBody, UpdateUserBody, UserView } from './user.model.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: TenantRole;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'u.id, u.email, u.name, u.role, u.disabled_at, u.created_at, u.updated_at';

const toView = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  enabled: row.disabled_at === null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** A tenant's users: visible to everyone in the tenant, managed by its owners. */
@Injectable()
export class UsersService {
  constructor(private readonly tx: TenantTransactions) {}

  async create(caller: Principal, input: CreateUserBody): Promise<UserView> {
    const tenant = requireRole(caller, 'owner');
    return this.tx.run(tenant, async (manager) => {
      const [taken] = await manager.query(`SELECT 1 FROM tenancy.users WHERE tenant_id = $1 AND lower(email) = lower($2)`, [tenant.tenantId, input.email]);
      if (taken) throw new TributaryError('conflict', 'user_exists', 'A user with this e-mail address exists in the tenant');
      const id = randomUUID();
      await manager.query(`INSERT INTO tenancy.users (id, tenant_id, email, name, role) VALUES ($1, $2, $3, $4, $5)`, [
        id,
        tenant.tenantId,
        input.email,
        input.name ?? '',
        input.role,
      ]);
      return this.find(manager, tenant.tenantId, id);
    });
  }

  async list(caller: Principal, page: PageQuery): Promise<Page<UserView>> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) =>
      paginate(manager, `SELECT ${COLUMNS}, ${cursorColumns('u')} FROM tenancy.users u WHERE u.tenant_id = $1`, [tenant.tenantId], 'u', page, toView),
    );
  }

  async get(caller: Principal, id: string): Promise<UserView> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) => this.find(manager, tenant.tenantId, id));
  }

  async update(caller: Principal, id: string, input: UpdateUserBody): Promise<UserView> {
    const tenant = requireRole(caller, 'owner');
    return this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenant.tenantId, id);
      await manager.query(
        `UPDATE tenancy.users SET
           name = coalesce($3, name),
           role = coalesce($4, role),
           disabled_at = CASE WHEN $5::boolean IS NULL THEN disabled_at WHEN $5 THEN NULL ELSE coalesce(disabled_at, now()) END,
           updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [tenant.tenantId, id, input.name ?? null, input.role ?? null, input.enabled ?? null],
      );
      return this.find(manager, tenant.tenantId, id);
    });
  }

  private async find(q: Queryable, tenantId: string, id: string): Promise<UserView> {
    if (!UUID_PATTERN.test(id)) throw notFound('user');
    const [row] = await q.query<UserRow>(`SELECT ${COLUMNS} FROM tenancy.users u WHERE u.tenant_id = $1 AND u.id = $2`, [tenantId, id]);
    if (!row) throw notFound('user');
    return toView(row);
  }
}
