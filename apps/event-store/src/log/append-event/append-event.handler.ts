import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import type { Envelope } from '@tributary/messaging';
import { parsePayload, topicByName } from '@tributary/topics';
import { EventLog, type NewEvent } from '../event-log.js';
import { AppendEvent, type AppendResult } from './append-event.command.js';
import { EventAppended } from './event-appended.event.js';

/** A stream per entity: the topic's domain (its first segment) and the message subject. */
export const streamOf = (envelope: Pick<Envelope, 'type' | 'subject'>): string =>
  `${envelope.type.split('.')[0]}-${envelope.subject}`;

const topicVersionOf = (dataschema: string): number => Number(/:v(\d+)$/.exec(dataschema)?.[1] ?? 1);

/** A consumed message as a log event: the envelope's id, type and data, its other attributes as metadata. */
export const eventOf = (envelope: Envelope): NewEvent => ({
  eventId: envelope.id,
  type: envelope.type,
  topicVersion: topicVersionOf(envelope.dataschema),
  data: envelope.data as object,
  metadata: {
    source: envelope.source,
    traceparent: envelope.traceparent,
    correlationId: envelope.correlationid,
    causationId: envelope.causationid ?? null,
    dataschema: envelope.dataschema,
  },
  occurredAt: envelope.time,
});

/**
 * Appends a consumed message to its entity's stream (expected version `any`: the transport already
 * keeps one entity's messages in order), once: a redelivered message returns the original position
 * and publishes nothing.
 */
@CommandHandler(AppendEvent)
export class AppendEventHandler implements ICommandHandler<AppendEvent> {
  constructor(
    private readonly log: EventLog,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ envelope }: AppendEvent): Promise<AppendResult> {
    parsePayload(topicByName(envelope.type), envelope.data);
    const outcome = await this.log.appendToStream(envelope.tenantid, streamOf(envelope), [eventOf(envelope)], 'any');
    const [event] = outcome.events;
    if (outcome.appended) this.eventBus.publish(new EventAppended(event));
    return { position: event.position, streamVersion: event.streamVersion, appended: outcome.appended };
  }
}
