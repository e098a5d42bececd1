import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TenantRole } from './principal.js';

/** `tenancy.users`: a person in one tenant, with the role their API keys act with. */
@Entity({ schema: 'tenancy', name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  /** Unique in the tenant, case-insensitively (the `users_tenant_email` index). */
  @Column('text')
  email: string;

  @Column('text')
  name: string;

  @Column('text')
  role: TenantRole;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  /** Set while the user is disabled: their keys stop working. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;
}
