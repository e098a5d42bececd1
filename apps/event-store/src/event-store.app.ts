import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { connectConsumer } from '@tributary/messaging';
import { configureHttpEdge, serveGraphqlSdl } from '@tributary/edge';
import { AppLogger } from '@tributary/observability';
import type { DestinationStream } from 'pino';
import type { EventStoreConfig } from './event-store.config.js';
import { EventStoreModule } from './event-store.module.js';
import type { EventStorePlugin } from './plugins/event-store-plugin.js';
import { installedPlugins } from './plugins/installed-plugins.js';

export const EVENT_STORE_GROUP = 'event-store';

export interface EventStoreAppOptions {
  /** The plugins to run with (default: `installedPlugins`). */
  readonly plugins?: readonly EventStorePlugin[];
  /** Where the logs go (stdout by default; tests read them). */
  readonly logDestination?: DestinationStream;
}

/** Builds the event store with its consumer connected; `startAllMicroservices()` starts consuming. */
export async function createEventStoreApp(config: EventStoreConfig, options: EventStoreAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(EventStoreModule.forRoot(config, options.plugins ?? installedPlugins, options.logDestination), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(AppLogger));
  configureHttpEdge(app, { jsonMaxDepth: config.JSON_MAX_DEPTH, internalPort: config.INTERNAL_PORT });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tributary event store')
      .setDescription("The log (streams and $all), projections and their plugins' routes; every read is scoped to the caller's tenant")
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  serveGraphqlSdl(app);
  connectConsumer(app, { group: EVENT_STORE_GROUP, pollIntervalMs: config.CONSUMER_POLL_MS });
  await app.init();
  return app;
}
