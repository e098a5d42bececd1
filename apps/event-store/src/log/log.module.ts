import { Module } from '@nestjs/common';
import { AppendEventHandler } from './append-event/append-event.handler.js';
import { AppendEventsHandler } from './append-events/append-events.handler.js';
import { AppendToStreamController } from './append-to-stream/append-to-stream.controller.js';
import { AppendToStreamHandler } from './append-to-stream/append-to-stream.handler.js';
import { AppendToStreamResolver } from './append-to-stream/append-to-stream.resolver.js';
import { TopicConsumer } from './consume-topics/topic.consumer.js';
import { EventLog } from './event-log.js';
import { GetEventController } from './get-event/get-event.controller.js';
import { GetEventHandler } from './get-event/get-event.handler.js';
import { GetEventResolver } from './get-event/get-event.resolver.js';
import { GetStreamController } from './get-stream/get-stream.controller.js';
import { GetStreamHandler } from './get-stream/get-stream.handler.js';
import { GetStreamResolver } from './get-stream/get-stream.resolver.js';
import { ListStreamsController } from './list-streams/list-streams.controller.js';
import { ListStreamsHandler } from './list-streams/list-streams.handler.js';
import { ListStreamsResolver } from './list-streams/list-streams.resolver.js';
import { ReadAllController } from './read-all/read-all.controller.js';
import { ReadAllHandler } from './read-all/read-all.handler.js';
import { ReadAllResolver } from './read-all/read-all.resolver.js';
import { ReadStreamController } from './read-stream/read-stream.controller.js';
import { ReadStreamHandler } from './read-stream/read-stream.handler.js';
import { ReadStreamResolver } from './read-stream/read-stream.resolver.js';

/** The log: consumed topics appended once, and the tenant-scoped API to append and read streams and $all. */
@Module({
  controllers: [
    TopicConsumer,
    AppendToStreamController,
    ListStreamsController,
    GetStreamController,
    ReadStreamController,
    ReadAllController,
    GetEventController,
  ],
  providers: [
    EventLog,
    AppendEventHandler,
    AppendEventsHandler,
    AppendToStreamHandler,
    AppendToStreamResolver,
    ListStreamsHandler,
    ListStreamsResolver,
    GetStreamHandler,
    GetStreamResolver,
    ReadStreamHandler,
    ReadStreamResolver,
    ReadAllHandler,
    ReadAllResolver,
    GetEventHandler,
    GetEventResolver,
  ],
  exports: [EventLog],
})
export class LogModule {}
