import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { requireRole, TenantRepository, UserEntity, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { UserView } from '../user.dto.js';
import { findUser, toUserView } from '../user-records.js';
import { CreateUser } from './create-user.command.js';

@CommandHandler(CreateUser)
export class CreateUserHandler implements ICommandHandler<CreateUser> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, input }: CreateUser): Promise<UserView> {
    const tenant = requireRole(caller, 'owner');
    return withTenant(this.dataSource, tenant, async (manager) => {
      const users = new TenantRepository(manager, UserEntity, tenant);
      // E-mail addresses are unique in the tenant whatever their case (the users_tenant_email index).
      const taken = await users.query('u').andWhere('lower(u.email) = lower(:email)', { email: input.email }).getExists();
      if (taken) throw new TributaryError('conflict', 'user_exists', 'A user with this e-mail address exists in the tenant');
      const id = randomUUID();
      await users.insert({ id, email: input.email, name: input.name ?? '', role: input.role });
      return toUserView(await findUser(users, id));
    });
  }
}
