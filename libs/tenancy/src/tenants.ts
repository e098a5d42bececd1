import { randomUUID } from 'node:crypto';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import type { ApiKeys } from './api-keys.js';

export interface CreatedTenant {
  readonly id: string;
  readonly name: string;
  /** The tenant's first owner key, shown once. */
  readonly apiKey: string;
}

export class Tenants {
  constructor(private readonly apiKeys: ApiKeys) {}

  /** Creates the tenant and its first owner key in the caller's transaction. */
  async create(q: Queryable, name: string): Promise<CreatedTenant> {
    const id = randomUUID();
    // SQL: Tenants takes any Queryable — other apps' data sources without TENANCY_ENTITIES, fixtures' pg clients.
    await q.query(`INSERT INTO tenancy.tenants (id, name) VALUES ($1, $2)`, [id, name]);
    const { key } = await this.apiKeys.issue(q, 'owner', id, 'initial owner key');
    return { id, name, apiKey: key };
  }

  async require(q: Queryable, tenantId: string): Promise<{ id: string; name: string }> {
    // SQL: any Queryable, as above.
    const [row] = await q.query<{ id: string; name: string }>(`SELECT id, name FROM tenancy.tenants WHERE id = $1`, [
      tenantId,
    ]);
    if (!row) throw new TributaryError('not_found', 'tenant_not_found', 'No such tenant');
    return row;
  }
}
