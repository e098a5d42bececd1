import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from './principal.js';

/** `tenancy.api_keys`: an API key, looked up by its public prefix; only the secret's SHA-256 is kept. */
@Entity({ schema: 'tenancy', name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Null only for the platform admin key, which no tenant's scope ever shows. */
  @Column('uuid', { name: 'tenant_id', nullable: true })
  tenantId: string | null;

  /** The key's own role; a user's key acts with the user's current role instead. */
  @Column('text')
  role: Role;

  @Column('text')
  prefix: string;

  @Column('bytea', { name: 'secret_sha256' })
  secretSha256: Buffer;

  @Column('text')
  name: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  /** The user the key belongs to; null for a service key. */
  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;
}
