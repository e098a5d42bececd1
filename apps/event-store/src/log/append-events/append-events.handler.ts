import { CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import { parsePayload, topicByName } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { EventAppended } from '../append-event/event-appended.event.js';
import { eventOf, streamOf } from '../append-event/append-event.handler.js';
import { EventLog } from '../event-log.js';
import { AppendEvents, type AppendEventsResult } from './append-events.command.js';

/**
 * Appends a batch of consumed messages in one statement, each to its entity's stream, once: what is
 * in the log already is left as it is. All or nothing: an invalid payload or a conflict fails the
 * batch, and the transport then appends its messages one by one (`AppendEvent`), so only the
 * offending message is dead-lettered.
 */
@CommandHandler(AppendEvents)
export class AppendEventsHandler implements ICommandHandler<AppendEvents> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: EventLog,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ envelopes }: AppendEvents): Promise<AppendEventsResult> {
    for (const envelope of envelopes) parsePayload(topicByName(envelope.type), envelope.data);
    const stored = await this.log.appendBatch(
      this.dataSource,
      envelopes.map((envelope) => ({ tenantId: envelope.tenantid, streamId: streamOf(envelope), event: eventOf(envelope) })),
    );
    const appended = stored.filter((event) => event.appended);
    appended.forEach((event) => this.eventBus.publish(new EventAppended(event)));
    return { appended: appended.length };
  }
}
