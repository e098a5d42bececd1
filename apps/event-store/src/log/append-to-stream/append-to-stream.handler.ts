import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { isUuid, TributaryError, type ErrorCode } from '@tributary/domain';
import { uuidv7 } from '@tributary/messaging';
import { TenantContext, withTenant } from '@tributary/tenancy';
import { parsePayload, topicByName } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { EventAppended } from '../append-event/event-appended.event.js';
import { EventLog, type NewEvent } from '../event-log.js';
import { streamIdOf } from '../stream-id.js';
import { AppendToStream, type AppendToStreamResult } from './append-to-stream.command.js';
import { MAX_EVENTS_PER_APPEND, type AppendEventInput } from './append-to-stream.dto.js';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function invalid(code: ErrorCode, index: number, message: string, extra: Record<string, unknown> = {}): TributaryError {
  return new TributaryError('invalid', code, `events[${index}]: ${message}`, { index, ...extra });
}

/** Checks each event at the edge of the log: a registry topic, a payload valid against it, a well-formed id and time. */
function toNewEvents(inputs: readonly AppendEventInput[], actor: string, traceparent: string | undefined): NewEvent[] {
  if (inputs.length === 0 || inputs.length > MAX_EVENTS_PER_APPEND) {
    throw new TributaryError('invalid', 'events_invalid', `An append carries 1 to ${MAX_EVENTS_PER_APPEND} events`);
  }
  const ids = new Set<string>();
  return inputs.map((input, i) => {
    const eventId = (input.eventId ?? uuidv7()).toLowerCase();
    if (!isUuid(eventId)) throw invalid('event_id_invalid', i, 'eventId must be a UUID');
    if (ids.has(eventId)) throw invalid('event_id_duplicate', i, 'the same eventId appears twice in this append');
    ids.add(eventId);
    let topic;
    try {
      topic = topicByName(input.type);
    } catch (error) {
      throw invalid('topic_unknown', i, (error as Error).message);
    }
    try {
      parsePayload(topic, input.data);
    } catch (error) {
      throw invalid('payload_invalid', i, (error as Error).message, (error as TributaryError).details);
    }
    const occurredAt = input.occurredAt ?? new Date().toISOString();
    if (!ISO_8601.test(occurredAt) || Number.isNaN(Date.parse(occurredAt))) throw invalid('occurred_at_invalid', i, 'occurredAt must be an ISO-8601 date-time');
    return {
      eventId,
      type: topic.name,
      topicVersion: topic.version,
      data: input.data,
      metadata: { ...(input.metadata ?? {}), source: 'event-store-api', actor, ...(traceparent ? { traceparent } : {}) },
      occurredAt,
    };
  });
}

/** Appends in a transaction scoped to the caller's tenant; committed events go to the EventBus (projections). */
@CommandHandler(AppendToStream)
export class AppendToStreamHandler implements ICommandHandler<AppendToStream> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLog,
    private readonly eventBus: EventBus,
  ) {}

  async execute(command: AppendToStream): Promise<AppendToStreamResult> {
    const tenant = TenantContext.of(command.caller);
    if (command.caller.kind === 'tenant' && command.caller.role === 'read_only') {
      throw new TributaryError('forbidden', 'role_insufficient', 'Appending events needs an owner or member key');
    }
    const streamId = streamIdOf(command.streamId);
    const events = toNewEvents(command.events, tenant.actor, command.traceparent);
    const outcome = await withTenant(this.dataSource, tenant, (manager) =>
      this.log.appendIn(manager, tenant.tenantId, streamId, events, command.expectedVersion),
    );
    if (outcome.appended) outcome.events.forEach((event) => this.eventBus.publish(new EventAppended(event)));
    return {
      streamId,
      streamVersion: outcome.streamVersion,
      appended: outcome.appended,
      events: outcome.events.map((e) => ({ eventId: e.eventId, streamVersion: e.streamVersion, position: e.position, cursor: e.cursor })),
    };
  }
}
