import { IngestEntryColumns } from '@tributary/ingest';
import { Entity } from 'typeorm';

/**
 * `worker.ingest_log`: the worker's ingest log, in the gateway's shape (the shared columns): one entry per answer an
 * upstream gave an action's fetch, append-only, written in batches by ActionAnswerLog.
 */
@Entity({ schema: 'worker', name: 'ingest_log' })
export class ActionAnswerEntity extends IngestEntryColumns {}
