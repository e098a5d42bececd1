import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, UserEntity, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { paginate } from '../../pagination/keyset-pagination.js';
import type { Page } from '../../pagination/page.dto.js';
import type { UserView } from '../user.dto.js';
import { toUserView } from '../user-records.js';
import { ListUsers } from './list-users.query.js';

@QueryHandler(ListUsers)
export class ListUsersHandler implements IQueryHandler<ListUsers> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, page }: ListUsers): Promise<Page<UserView>> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, (manager) => paginate(new TenantRepository(manager, UserEntity, tenant).query('u'), 'u', page, toUserView));
  }
}
