import { Column, PrimaryColumn } from 'typeorm';

export type IngestActorKind = 'api_key' | 'webhook' | 'action';

/**
 * The columns of an ingest log table, one definition for both: `gateway.ingest_log` (what external systems sent
 * the gateway) and `worker.ingest_log` (what upstreams answered the worker's actions). Each app's entity extends
 * this with its own `@Entity` (schema and name); both tables are created by their app's migration with these columns.
 */
export abstract class IngestEntryColumns {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text', { name: 'actor_kind' })
  actorKind: IngestActorKind;

  /** The API key id, webhook id or action id. */
  @Column('text', { name: 'actor_id' })
  actorId: string;

  /** The peer address (gateway), or the upstream's host (worker). */
  @Column('text', { name: 'source_ip', nullable: true })
  sourceIp: string | null;

  /** The sender's id of what it sent (a delivery id, a document's extId), or the URL an action fetched. */
  @Column('text', { name: 'ext_id', nullable: true })
  extId: string | null;

  /** SHA-256 of the body, hex. */
  @Column('text', { name: 'content_hash' })
  contentHash: string;

  /** Null when the body was over the size limit: then only its hash and size are kept. */
  @Column('bytea', { nullable: true })
  body: Buffer | null;

  @Column('integer', { name: 'body_size' })
  bodySize: number;

  @Column('text', { name: 'content_type', nullable: true })
  contentType: string | null;

  @Column('timestamptz', { name: 'valid_from', nullable: true })
  validFrom: Date | null;

  @Column('timestamptz', { name: 'valid_until', nullable: true })
  validUntil: Date | null;

  /** The topic it fed (null when refused), or the `integration.method` an action's answer served. */
  @Column('text', { nullable: true })
  topic: string | null;

  /** The HTTP status answered (gateway), or the upstream's status (worker). */
  @Column('smallint')
  status: number;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  /** The event it became (the original one for a repeat); null in the worker's log. */
  @Column('uuid', { name: 'event_id', nullable: true })
  eventId: string | null;

  /** The natural key: the same delivery answered the same way, or the same document, is one entry. */
  @Column('text', { name: 'delivery_key' })
  deliveryKey: string;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;
}
