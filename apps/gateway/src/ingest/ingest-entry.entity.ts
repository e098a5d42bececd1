import { IngestEntryColumns } from '@tributary/ingest';
import { Column, Entity } from 'typeorm';

/**
 * `gateway.ingest_log`: one entry per answered delivery or pushed document, append-only (columns: the ingest log's,
 * shared with the worker's, plus a delivery's trace id and answer time). Webhook deliveries are written in batches by
 * IngestLog's own SQL (off the ingress hot path); pushed documents with their event's claim.
 */
@Entity({ schema: 'gateway', name: 'ingest_log' })
export class IngestEntryEntity extends IngestEntryColumns {
  /** The trace id the ingress answered a webhook delivery with (null for pushed documents and older entries). */
  @Column('text', { name: 'trace_id', nullable: true })
  traceId: string | null;

  /** How long the ingress took to answer a webhook delivery, in milliseconds (null for pushed documents and older entries). */
  @Column('real', { name: 'duration_ms', nullable: true })
  durationMs: number | null;
}
