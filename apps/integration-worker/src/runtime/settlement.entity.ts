import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SettlementState = 'pending' | 'acked' | 'nacked' | 'rejected' | 'lapsed';

/**
 * `worker.settlements`: a message a handler settles later (`HandlerContext.settleLater`), by the hash
 * of its token: where it was delivered, its run, deadline and outcome. Written by the runtime's
 * `SettlementBook` in SQL (the hot path), read by the settle route.
 */
@Entity({ schema: 'worker', name: 'settlements' })
export class SettlementEntity {
  /** SHA-256 of the token (the token itself is never stored). */
  @PrimaryColumn('text', { name: 'token_hash' })
  tokenHash: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text', { name: 'group_id' })
  groupId: string;

  @Column('text')
  consumer: string;

  @Column('text')
  integration: string;

  @Column('text')
  method: string;

  @Column('uuid', { name: 'action_id', nullable: true })
  actionId: string | null;

  @Column('uuid', { name: 'run_id' })
  runId: string;

  @Column('uuid', { name: 'message_id' })
  messageId: string;

  @Column('text')
  topic: string;

  @Column('integer')
  partition: number;

  /** bigint, as a string. */
  @Column('bigint')
  offset: string;

  @Column('text')
  key: string;

  @Column('jsonb')
  envelope: unknown;

  @Column('integer')
  attempt: number;

  @Column('timestamptz')
  deadline: Date;

  @Column('text')
  state: SettlementState;

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('integer')
  outputs: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'settled_at', nullable: true })
  settledAt: Date | null;
}
