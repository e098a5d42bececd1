import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `gateway.operator_lag_samples`: a consumer group's lag on a topic at one sampling (LagSampler), for the operator page's lag chart. */
@Entity({ schema: 'gateway', name: 'operator_lag_samples' })
export class LagSampleEntity {
  @PrimaryColumn('timestamptz', { name: 'sampled_at' })
  sampledAt: Date;

  @PrimaryColumn('text', { name: 'group_id' })
  groupId: string;

  @PrimaryColumn('text')
  topic: string;

  /** bigint, as a string. */
  @Column('bigint')
  lag: string;
}
