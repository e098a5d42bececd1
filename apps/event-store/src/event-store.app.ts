import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connectConsumer } from '@tributary/messaging';
import { configureHttpEdge } from '@tributary/runtime';
import { Logger } from 'nestjs-pino';
import type { EventStoreConfig } from './event-store.config.js';
import { EventStoreModule } from './event-store.module.js';

export const EVENT_STORE_GROUP = 'event-store';

/** Builds the event store with its consumer connected; `startAllMicroservices()` starts consuming. */
export async function createEventStoreApp(config: EventStoreConfig): Promise<INestApplication> {
  const app = await NestFactory.create(EventStoreModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttpEdge(app);
  connectConsumer(app, { group: EVENT_STORE_GROUP, pollIntervalMs: config.CONSUMER_POLL_MS });
  await app.init();
  return app;
}
