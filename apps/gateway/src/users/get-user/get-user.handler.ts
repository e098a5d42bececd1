import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, UserEntity, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { UserView } from '../user.dto.js';
import { findUser, toUserView } from '../user-records.js';
import { GetUser } from './get-user.query.js';

@QueryHandler(GetUser)
export class GetUserHandler implements IQueryHandler<GetUser> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: GetUser): Promise<UserView> {
    const tenant = requireRole(caller, 'read_only');
    return withTenant(this.dataSource, tenant, async (manager) => toUserView(await findUser(new TenantRepository(manager, UserEntity, tenant), id)));
  }
}
