import { Command } from '@nestjs/cqrs';
import type { Envelope } from '@tributary/messaging';

export interface AppendEventsResult {
  /** How many of the events were new (the others were in the log already). */
  readonly appended: number;
}

/** Consumed messages of one partition, appended to their streams at once (the batch-first path of `AppendEvent`). */
export class AppendEvents extends Command<AppendEventsResult> {
  constructor(readonly envelopes: readonly Envelope[]) {
    super();
  }
}
