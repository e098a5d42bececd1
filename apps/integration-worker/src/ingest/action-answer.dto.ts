import { ApiProperty } from '@nestjs/swagger';
import { IngestEntryView, toIngestEntryView } from '@tributary/ingest';
import type { ActionAnswerEntity } from './action-answer.entity.js';

/** One entry of the worker's ingest log: the gateway's entry, and the run that got the answer. */
export class ActionAnswerView extends IngestEntryView {
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: "The run whose call got the answer (GET /v1/runs/{id}); null for a data action's fetch" })
  runId: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: "The message that run ran for (a retried run's attempts share it); null for a data action's fetch" })
  messageId: string | null;
}

/** One page of the worker's ingest log, oldest first. */
export class ActionAnswerPage {
  @ApiProperty({ type: [ActionAnswerView] })
  data: ActionAnswerView[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last page' })
  nextCursor: string | null;
}

export const toActionAnswerView = (entry: ActionAnswerEntity): ActionAnswerView => ({ ...toIngestEntryView(entry), runId: entry.runId, messageId: entry.messageId });
