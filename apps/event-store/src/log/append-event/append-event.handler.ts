import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import type { Envelope } from '@tributary/messaging';
import { parsePayload, topicByName } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../stored-event.js';
import { AppendEvent, type AppendResult } from './append-event.command.js';
import { EventAppended } from './event-appended.event.js';

/** A stream per entity: the topic's domain (its first segment) and the message subject. */
export const streamOf = (envelope: Pick<Envelope, 'type' | 'subject'>): string =>
  `${envelope.type.split('.')[0]}-${envelope.subject}`;

const topicVersionOf = (dataschema: string): number => Number(/:v(\d+)$/.exec(dataschema)?.[1] ?? 1);

/**
 * Appends a consumed message to the log, once: the event id is unique, so a redelivered message
 * returns the original position and publishes nothing.
 */
@CommandHandler(AppendEvent)
export class AppendEventHandler implements ICommandHandler<AppendEvent> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ envelope }: AppendEvent): Promise<AppendResult> {
    parsePayload(topicByName(envelope.type), envelope.data);
    const stream = streamOf(envelope);
    const { row, appended } = await this.dataSource.transaction(async (manager) => {
      const [existing] = await manager.query<EventRow[]>(
        `SELECT ${EVENT_COLUMNS} FROM event_store.events WHERE event_id = $1`,
        [envelope.id],
      );
      if (existing) return { row: existing, appended: false };
      const [inserted] = await manager.query<EventRow[]>(
        `INSERT INTO event_store.events
           (event_id, tenant_id, stream_id, stream_version, type, topic_version, data, metadata, occurred_at)
         SELECT $1, $2, $3, coalesce(max(stream_version), 0) + 1, $4, $5, $6, $7, $8
           FROM event_store.events WHERE tenant_id = $2 AND stream_id = $3
         RETURNING ${EVENT_COLUMNS}`,
        [
          envelope.id,
          envelope.tenantid,
          stream,
          envelope.type,
          topicVersionOf(envelope.dataschema),
          JSON.stringify(envelope.data),
          JSON.stringify({
            source: envelope.source,
            traceparent: envelope.traceparent,
            correlationId: envelope.correlationid,
            causationId: envelope.causationid ?? null,
            dataschema: envelope.dataschema,
          }),
          envelope.time,
        ],
      );
      return { row: inserted, appended: true };
    });
    const event = toStoredEvent(row);
    if (appended) this.eventBus.publish(new EventAppended(event));
    return { position: event.position, streamVersion: event.streamVersion, appended };
  }
}
