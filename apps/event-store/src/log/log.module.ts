import { Module } from '@nestjs/common';
import { AppendEventHandler } from './append-event/append-event.handler.js';
import { TopicConsumer } from './consume-topics/topic.consumer.js';
import { EventLog } from './event-log.js';

@Module({ controllers: [TopicConsumer], providers: [EventLog, AppendEventHandler], exports: [EventLog] })
export class LogModule {}
