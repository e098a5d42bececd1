import { Command } from '@nestjs/cqrs';
import type { Envelope } from '@tributary/messaging';

export interface AppendResult {
  readonly position: number;
  readonly streamVersion: number;
  /** False when the event id was already in the log: nothing was written. */
  readonly appended: boolean;
}

export class AppendEvent extends Command<AppendResult> {
  constructor(readonly envelope: Envelope) {
    super();
  }
}
