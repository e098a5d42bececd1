import { ApiKeyEntity } from './api-key.entity.js';
import { TenantEntity } from './tenant.entity.js';
import { UserEntity } from './user.entity.js';

/** The entities of the `tenancy` schema, for the `DatabaseModule.forRoot({ entities })` of every app that reads them. */
export const TENANCY_ENTITIES = [TenantEntity, UserEntity, ApiKeyEntity];
