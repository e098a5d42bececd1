import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { configureHttpEdge, serveGraphqlSdl } from '@tributary/edge';
import { AppLogger } from '@tributary/observability';
import type { DestinationStream } from 'pino';
import type { ChangeSinkConfig } from './change-sink.config.js';
import { ChangeSinkModule } from './change-sink.module.js';

/** Builds the change-sink: GraphQL over HTTP and graphql-ws at /graphql, socket.io at /socket.io, /publish, /ping. */
export async function createChangeSinkApp(config: ChangeSinkConfig, options: { logDestination?: DestinationStream } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(ChangeSinkModule.forRoot(config, options.logDestination), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  configureHttpEdge(app, { jsonMaxDepth: config.JSON_MAX_DEPTH, internalPort: config.INTERNAL_PORT });
  app.useWebSocketAdapter(new IoAdapter(app));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tributary change-sink')
      .setDescription('esink-compatible POST /publish and GET /ping; live changes over socket.io and graphql-ws (/graphql): see docs/change-sink.md')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  serveGraphqlSdl(app);
  try {
    await app.init();
  } catch (error) {
    // A start-up error (a configuration naming an unknown table) must not leave pools open.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
