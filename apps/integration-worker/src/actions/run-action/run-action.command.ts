import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { RunRequestedBody } from './run-action.dto.js';

/** Runs an action by hand: its run goes through the same handler, retries and history as any message. */
export class RunAction extends Command<RunRequestedBody> {
  constructor(
    readonly caller: Principal,
    readonly actionId: string,
    readonly input: Record<string, unknown> = {},
    readonly traceparent?: string,
  ) {
    super();
  }
}
