import { Injectable } from '@nestjs/common';
import type { TenantContext } from '@tributary/tenancy';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Every read and write of a tenant's management data runs here: one transaction for the tenant,
 * on the given manager only (the embedded database runs one transaction at a time).
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(_tenant: TenantContext, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
