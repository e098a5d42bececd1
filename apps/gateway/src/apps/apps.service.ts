import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { requireRole, type Principal } from '@tributary/tenancy';
import { notFound, UUID_PATTERN } from '../access/not-found.js';
import { cursorColumns, paginate, type Page, type PageQuery } from '../access/pagination.js';
import { TenantTransactions } from '../access/tenant-transactions.js';
import { WebhookDirectory } from '../webhooks/webhook-directory.js';
import type { AppView, CreateAppBody, UpdateAppBody } from './app.model.js';

interface AppRow {
  id: string;
  name: string;
  vendor: string;
  config: Record<string, unknown>;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'a.id, a.name, a.vendor, a.config, a.disabled_at, a.created_at, a.updated_at';
const MAX_CONFIG_BYTES = 16 * 1024;

const toView = (row: AppRow): AppView => ({
  id: row.id,
  name: row.name,
  vendor: row.vendor,
  config: row.config,
  enabled: row.disabled_at === null,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

function configJson(config: Record<string, unknown> | undefined): string | null {
  if (config === undefined) return null;
  const json = JSON.stringify(config);
  if (Buffer.byteLength(json) > MAX_CONFIG_BYTES) {
    throw new TributaryError('invalid', 'validation_failed', 'config must be at most 16 KiB of JSON', { fields: ['config'] });
  }
  return json;
}

/** Apps: read by anyone in the tenant, created and changed by members and owners. */
@Injectable()
export class AppsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly directory: WebhookDirectory,
  ) {}

  async create(caller: Principal, input: CreateAppBody): Promise<AppView> {
    const tenant = requireRole(caller, 'member');
    const config = configJson(input.config ?? {});
    return this.tx.run(tenant, async (manager) => {
      const id = randomUUID();
      await manager.query(`INSERT INTO gateway.apps (id, tenant_id, name, vendor, config) VALUES ($1, $2, $3, $4, $5::jsonb)`, [
        id,
        tenant.tenantId,
        input.name,
        input.vendor,
        config,
      ]);
      return this.find(manager, tenant.tenantId, id);
    });
  }

  async list(caller: Principal, page: PageQuery): Promise<Page<AppView>> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) =>
      paginate(manager, `SELECT ${COLUMNS}, ${cursorColumns('a')} FROM gateway.apps a WHERE a.tenant_id = $1`, [tenant.tenantId], 'a', page, toView),
    );
  }

  async get(caller: Principal, id: string): Promise<AppView> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) => this.find(manager, tenant.tenantId, id));
  }

  async update(caller: Principal, id: string, input: UpdateAppBody): Promise<AppView> {
    const tenant = requireRole(caller, 'member');
    const config = configJson(input.config);
    const updated = await this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenant.tenantId, id);
      await manager.query(
        `UPDATE gateway.apps SET
           name = coalesce($3, name),
           config = coalesce($4::jsonb, config),
           disabled_at = CASE WHEN $5::boolean IS NULL THEN disabled_at WHEN $5 THEN NULL ELSE coalesce(disabled_at, now()) END,
           updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [tenant.tenantId, id, input.name ?? null, config, input.enabled ?? null],
      );
      return this.find(manager, tenant.tenantId, id);
    });
    this.directory.forgetAll();
    return updated;
  }

  async find(q: Queryable, tenantId: string, id: string): Promise<AppView> {
    if (!UUID_PATTERN.test(id)) throw notFound('app');
    const [row] = await q.query<AppRow>(`SELECT ${COLUMNS} FROM gateway.apps a WHERE a.tenant_id = $1 AND a.id = $2`, [tenantId, id]);
    if (!row) throw notFound('app');
    return toView(row);
  }
}
