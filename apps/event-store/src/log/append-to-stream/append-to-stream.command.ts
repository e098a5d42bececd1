import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { ExpectedVersion } from '../expected-version.js';
import type { AppendEventInput } from './append-to-stream.dto.js';

export interface AppendedEvent {
  readonly eventId: string;
  readonly streamVersion: number;
  readonly position: number;
  readonly cursor: string;
}

export interface AppendToStreamResult {
  readonly streamId: string;
  readonly streamVersion: number;
  /** False when the events were already stored (a repeat): the originals are returned. */
  readonly appended: boolean;
  readonly events: AppendedEvent[];
}

/** A tenant appends events to one of its streams, with an expected version. */
export class AppendToStream extends Command<AppendToStreamResult> {
  constructor(
    readonly caller: Principal,
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly events: readonly AppendEventInput[],
    readonly traceparent?: string,
  ) {
    super();
  }
}
