import type { TenantRepository, UserEntity } from '@tributary/tenancy';
import { notFound, requireId } from '../management-api/not-found.js';
import type { UserView } from './user.dto.js';

export const toUserView = (user: UserEntity): UserView => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  enabled: user.disabledAt === null,
  createdAt: user.createdAt,
  updatedAt: user.updatedAt,
});

/** One of the tenant's users, or 404 `user_not_found`. */
export async function findUser(users: TenantRepository<UserEntity>, id: string): Promise<UserEntity> {
  const user = await users.findOne({ id: requireId('user', id) });
  if (!user) throw notFound('user');
  return user;
}
