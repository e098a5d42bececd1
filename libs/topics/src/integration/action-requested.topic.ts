import { IsIn, IsISO8601, IsObject, IsOptional, IsUUID } from 'class-validator';
import { defineTopic } from '../topic.js';

/** Someone (the scheduler, or a person through the API) asked for one run of a tenant's action. */
export class ActionRequested {
  @IsUUID()
  actionId: string;

  @IsIn(['schedule', 'manual'])
  trigger: 'schedule' | 'manual';

  /** The method's input (validated against its topic's payload when the run starts). */
  @IsObject()
  input: Record<string, unknown>;

  /** The tick a scheduled run belongs to. */
  @IsOptional()
  @IsISO8601({ strict: true })
  scheduledFor?: string;

  /** The run record created with the request (manual runs), completed by the worker. */
  @IsOptional()
  @IsUUID()
  runId?: string;
}

export const actionRequested = defineTopic({
  name: 'integration.action.requested',
  version: 1,
  description: "A run of a tenant's integration action was requested (by schedule or by hand).",
  payload: ActionRequested,
  key: (p) => p.actionId,
});
