import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, TenantRepository, UserEntity, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { disabledAtFor, NOW } from '../../management-api/column-updates.js';
import type { UserView } from '../user.dto.js';
import { findUser, toUserView } from '../user-records.js';
import { UpdateUser } from './update-user.command.js';

@CommandHandler(UpdateUser)
export class UpdateUserHandler implements ICommandHandler<UpdateUser> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id, input }: UpdateUser): Promise<UserView> {
    const tenant = requireRole(caller, 'owner');
    return withTenant(this.dataSource, tenant, async (manager) => {
      const users = new TenantRepository(manager, UserEntity, tenant);
      await findUser(users, id);
      await users.update(
        { id },
        {
          ...(input.name !== undefined && { name: input.name }),
          ...(input.role !== undefined && { role: input.role }),
          ...disabledAtFor(input.enabled),
          updatedAt: NOW,
        },
      );
      return toUserView(await findUser(users, id));
    });
  }
}
