import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `worker.action_data`: the last document a data action fetched, served while it is valid (one row per action). */
@Entity({ schema: 'worker', name: 'action_data' })
export class ActionDataEntity {
  @PrimaryColumn('uuid', { name: 'action_id' })
  actionId: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  /** The handler's transformed document. */
  @Column('jsonb')
  document: object;

  @Column('timestamptz', { name: 'fetched_at' })
  fetchedAt: Date;

  /** Served from the cache (203) until then when the upstream fails; after it, the answer is 502 `upstream_stale`. */
  @Column('timestamptz', { name: 'valid_until' })
  validUntil: Date;
}
