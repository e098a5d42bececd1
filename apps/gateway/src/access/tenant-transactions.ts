import { Injectable } from '@nestjs/common';
import { withTenant, type TenantContext } from '@tributary/tenancy';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Every read and write of a tenant's management data runs here: one transaction entered for the
 * tenant (`withTenant`: Postgres row-level security then shows only its rows, the second wall
 * behind the queries' own tenant filters). Inside, use only the given manager.
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(tenant: TenantContext, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return withTenant(this.dataSource, tenant, work);
  }
}
