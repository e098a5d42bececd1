import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `platform.instances`: one row per running app process, kept fresh by its heartbeat (with the
 * clients it holds), for the operator page's list of the replicas that are up.
 */
@Entity({ schema: 'platform', name: 'instances' })
export class InstanceEntity {
  @PrimaryColumn('text', { name: 'instance_id' })
  instanceId: string;

  @Column('text')
  app: string;

  @Column('text')
  host: string;

  @Column('integer')
  pid: number;

  @Column('timestamptz', { name: 'started_at' })
  startedAt: Date;

  @Column('timestamptz', { name: 'heartbeat_at' })
  heartbeatAt: Date;

  @Column('integer', { name: 'connected_clients', nullable: true })
  connectedClients: number | null;
}
