import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { requirePlatformAdmin, requireRole, TenantContext, type Principal } from '@tributary/tenancy';
import { notFound, UUID_PATTERN } from '../access/not-found.js';
import { cursorColumns, paginate, type Page, type PageQuery } from '../access/pagination.js';
import { TenantTransactions } from '../access/tenant-transactions.js';
import { WebhookDirectory } from '../webhooks/webhook-directory.js';
import type { SetSubscriptionBody } from '../tenants/tenant.model.js';
import type { CreateIntegrationBody, IntegrationView, UpdateIntegrationBody } from './integration.model.js';

interface IntegrationRow {
  id: string;
  name: string;
  enabled: boolean;
  app_ids: string[];
  subscription_plan: string | null;
  subscription_paid_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `i.id, i.name, i.enabled, i.subscription_plan, i.subscription_paid_until, i.created_at, i.updated_at,
  array(SELECT ia.app_id FROM gateway.integration_apps ia WHERE ia.integration_id = i.id ORDER BY ia.app_id) AS app_ids`;

const toView = (row: IntegrationRow): IntegrationView => ({
  id: row.id,
  name: row.name,
  enabled: row.enabled,
  appIds: row.app_ids,
  subscription: {
    plan: row.subscription_plan,
    paidUntil: row.subscription_paid_until,
    active: row.subscription_paid_until !== null && row.subscription_paid_until.getTime() > Date.now(),
  },
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Integrations: members and owners connect the tenant's apps and switch integrations on and off;
 * only the platform admin (billing) sets what was paid.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly directory: WebhookDirectory,
  ) {}

  async create(caller: Principal, input: CreateIntegrationBody): Promise<IntegrationView> {
    const tenant = requireRole(caller, 'member');
    return this.tx.run(tenant, async (manager) => {
      await this.requireApps(manager, tenant.tenantId, input.appIds);
      const id = randomUUID();
      await manager.query(`INSERT INTO gateway.integrations (id, tenant_id, name, enabled) VALUES ($1, $2, $3, $4)`, [
        id,
        tenant.tenantId,
        input.name,
        input.enabled ?? true,
      ]);
      await this.link(manager, tenant.tenantId, id, input.appIds);
      return this.find(manager, tenant.tenantId, id);
    });
  }

  async list(caller: Principal, page: PageQuery): Promise<Page<IntegrationView>> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) =>
      paginate(manager, `SELECT ${COLUMNS}, ${cursorColumns('i')} FROM gateway.integrations i WHERE i.tenant_id = $1`, [tenant.tenantId], 'i', page, toView),
    );
  }

  async get(caller: Principal, id: string): Promise<IntegrationView> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) => this.find(manager, tenant.tenantId, id));
  }

  async update(caller: Principal, id: string, input: UpdateIntegrationBody): Promise<IntegrationView> {
    const tenant = requireRole(caller, 'member');
    const updated = await this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenant.tenantId, id);
      if (input.appIds) {
        await this.requireApps(manager, tenant.tenantId, input.appIds);
        await manager.query(`DELETE FROM gateway.integration_apps WHERE tenant_id = $1 AND integration_id = $2`, [tenant.tenantId, id]);
        await this.link(manager, tenant.tenantId, id, input.appIds);
      }
      await manager.query(
        `UPDATE gateway.integrations SET name = coalesce($3, name), enabled = coalesce($4, enabled), updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [tenant.tenantId, id, input.name ?? null, input.enabled ?? null],
      );
      return this.find(manager, tenant.tenantId, id);
    });
    this.directory.forgetAll();
    return updated;
  }

  /** Billing: the platform admin records what a tenant paid for one integration. */
  async setSubscription(caller: Principal, tenantId: string, id: string, input: SetSubscriptionBody): Promise<IntegrationView> {
    requirePlatformAdmin(caller);
    if (!UUID_PATTERN.test(tenantId)) throw notFound('tenant');
    const tenant = TenantContext.trusted(tenantId, 'platform-admin');
    const updated = await this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenantId, id);
      await manager.query(
        `UPDATE gateway.integrations SET subscription_plan = $3, subscription_paid_until = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, input.plan, input.paidUntil],
      );
      return this.find(manager, tenantId, id);
    });
    this.directory.forgetAll();
    return updated;
  }

  private async requireApps(q: Queryable, tenantId: string, appIds: readonly string[]): Promise<void> {
    const rows = await q.query<{ id: string }>(`SELECT id FROM gateway.apps WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, appIds]);
    if (rows.length !== appIds.length) throw notFound('app');
  }

  private async link(q: Queryable, tenantId: string, id: string, appIds: readonly string[]): Promise<void> {
    await q.query(
      `INSERT INTO gateway.integration_apps (tenant_id, integration_id, app_id) SELECT $1, $2, unnest($3::uuid[])`,
      [tenantId, id, appIds],
    );
  }

  private async find(q: Queryable, tenantId: string, id: string): Promise<IntegrationView> {
    if (!UUID_PATTERN.test(id)) throw notFound('integration');
    const [row] = await q.query<IntegrationRow>(`SELECT ${COLUMNS} FROM gateway.integrations i WHERE i.tenant_id = $1 AND i.id = $2`, [tenantId, id]);
    if (!row) throw notFound('integration');
    return toView(row);
  }
}
