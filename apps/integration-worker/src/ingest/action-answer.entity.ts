import { IngestEntryColumns } from '@tributary/ingest';
import { Column, Entity } from 'typeorm';

/**
 * `worker.ingest_log`: the worker's ingest log, in the gateway's shape (the shared columns): one entry per answer an
 * upstream gave an action — a data action's fetch, or a run of an action through its `context.http` —, append-only,
 * written in batches by ActionAnswerLog. The worker's own columns: the run that got the answer and its message.
 */
@Entity({ schema: 'worker', name: 'ingest_log' })
export class ActionAnswerEntity extends IngestEntryColumns {
  /** The run (`worker.runs.id`) whose call got the answer; null for a data action's fetch. */
  @Column('uuid', { name: 'run_id', nullable: true })
  runId: string | null;

  /** The message that run ran for (its attempts share it); null for a data action's fetch. */
  @Column('uuid', { name: 'message_id', nullable: true })
  messageId: string | null;
}
