import { Module } from '@nestjs/common';
import { AppendEventHandler } from './append-event/append-event.handler.js';
import { TopicConsumer } from './consume-topics/topic.consumer.js';

@Module({ controllers: [TopicConsumer], providers: [AppendEventHandler] })
export class LogModule {}
