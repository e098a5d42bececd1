import type {
  DeepPartial,
  EntityManager,
  EntityTarget,
  FindManyOptions,
  FindOptionsWhere,
  ObjectLiteral,
  QueryDeepPartialEntity,
  SelectQueryBuilder,
} from 'typeorm';
import type { TenantContext } from './principal.js';

/**
 * An entity of a tenant-owned table: its `tenantId` property maps the `tenant_id` column (nullable only where the
 * table also holds platform rows, such as the admin's API key, which no tenant's scope shows).
 */
export interface TenantOwned extends ObjectLiteral {
  tenantId: string | null;
}

type TenantWhere<E extends TenantOwned> = Omit<FindOptionsWhere<E>, 'tenantId'>;

/**
 * A TypeORM repository for one tenant-owned entity whose every read and write is narrowed to the caller's tenant:
 * the tenant comes from the `TenantContext`, never from the arguments, so a query cannot forget it. Use it on the
 * manager of `withTenant`, where row-level security is the second wall behind it.
 */
export class TenantRepository<E extends TenantOwned> {
  constructor(
    private readonly manager: EntityManager,
    private readonly entity: EntityTarget<E>,
    readonly tenant: TenantContext,
  ) {}

  find(options: Omit<FindManyOptions<E>, 'where'> & { where?: TenantWhere<E> } = {}): Promise<E[]> {
    return this.manager.find(this.entity, { ...options, where: this.scoped(options.where) } as FindManyOptions<E>);
  }

  findOne(where: TenantWhere<E>): Promise<E | null> {
    return this.manager.findOne(this.entity, { where: this.scoped(where) });
  }

  count(where: TenantWhere<E> = {} as TenantWhere<E>): Promise<number> {
    return this.manager.count(this.entity, { where: this.scoped(where) });
  }

  /** Inserts rows of the caller's tenant (a `tenantId` in `values` is overwritten). */
  async insert(...values: Array<Omit<DeepPartial<E>, 'tenantId'>>): Promise<void> {
    const rows = values.map((value) => ({ ...value, tenantId: this.tenant.tenantId }));
    await this.manager.insert(this.entity, rows as never);
  }

  /** Updates the caller's tenant's rows that match `where` (values may be SQL functions: `() => 'now()'`); returns how many changed. */
  async update(where: TenantWhere<E>, patch: Omit<QueryDeepPartialEntity<E>, 'tenantId'>): Promise<number> {
    const result = await this.manager.update(this.entity, this.scoped(where), patch as never);
    return result.affected ?? 0;
  }

  /** Deletes the caller's tenant's rows that match `where`; returns how many went. */
  async delete(where: TenantWhere<E>): Promise<number> {
    const result = await this.manager.delete(this.entity, this.scoped(where));
    return result.affected ?? 0;
  }

  /**
   * A query builder over the entity, narrowed to the caller's tenant for good: the tenant condition sits in TypeORM's
   * extra condition, ANDed around whatever `where`/`andWhere`/`orWhere` the caller adds, so a later `where` cannot
   * replace it and an `orWhere` cannot widen it.
   */
  query(alias: string): SelectQueryBuilder<E> {
    const query = this.manager.createQueryBuilder(this.entity, alias);
    const { driver } = this.manager.connection;
    const column = this.manager.connection.getMetadata(this.entity).findColumnWithPropertyName('tenantId');
    if (!column) throw new Error(`TenantRepository needs a tenantId column on ${String(this.entity)}`);
    query.expressionMap.extraAppendedAndWhereCondition = `${driver.escape(alias)}.${driver.escape(column.databaseName)} = :tributaryTenantId`;
    return query.setParameter('tributaryTenantId', this.tenant.tenantId);
  }

  private scoped(where: TenantWhere<E> = {} as TenantWhere<E>): FindOptionsWhere<E> {
    return { ...where, tenantId: this.tenant.tenantId } as FindOptionsWhere<E>;
  }
}
