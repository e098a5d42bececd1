import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Payload } from '@nestjs/microservices';
import { OnMessage, OnMessages, type Envelope } from '@tributary/messaging';
import { allTopics } from '@tributary/topics';
import { AppendEvent } from '../append-event/append-event.command.js';
import { AppendEvents } from '../append-events/append-events.command.js';

/** Every topic of the registry ends in the log: a partition's batch at once, one by one when the batch fails. */
@Controller()
export class TopicConsumer {
  constructor(private readonly commandBus: CommandBus) {}

  @OnMessage(...allTopics)
  async handle(@Payload() envelope: Envelope): Promise<void> {
    await this.commandBus.execute(new AppendEvent(envelope));
  }

  @OnMessages(...allTopics)
  async handleBatch(@Payload() envelopes: Envelope[]): Promise<void> {
    await this.commandBus.execute(new AppendEvents(envelopes));
  }
}
