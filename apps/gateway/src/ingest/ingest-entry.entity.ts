import { IngestEntryColumns } from '@tributary/ingest';
import { Entity } from 'typeorm';

/**
 * `gateway.ingest_log`: one entry per answered delivery or pushed document, append-only (columns: the ingest log's,
 * shared with the worker's). Webhook deliveries are written in batches by IngestLog's own SQL (off the ingress hot
 * path); pushed documents with their event's claim.
 */
@Entity({ schema: 'gateway', name: 'ingest_log' })
export class IngestEntryEntity extends IngestEntryColumns {}
