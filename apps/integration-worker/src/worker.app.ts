import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { configureHttpEdge, validationPipe } from '@tributary/edge';
import { AppLogger } from '@tributary/observability';
import { connectIntegrationConsumers } from './runtime/integration-consumers.js';
import type { WorkerConfig } from './worker.config.js';
import { WorkerModule } from './worker.module.js';

export { WORKER_GROUP } from './runtime/integrations.module.js';

/** Builds the worker with its consumer connected; `startAllMicroservices()` starts consuming. */
export async function createWorkerApp(config: WorkerConfig): Promise<INestApplication> {
  const app = await NestFactory.create(WorkerModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  configureHttpEdge(app, { jsonMaxDepth: config.JSON_MAX_DEPTH, internalPort: config.INTERNAL_PORT });
  app.useGlobalPipes(validationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tributary integration worker')
      .setDescription('Dead letters, deployments, actions, runs, schedules and the tracking mailbox')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  // The main group, and one per named queue (`integration-worker.q.<queue>`).
  connectIntegrationConsumers(app, {
    pollIntervalMs: config.CONSUMER_POLL_MS,
    retry: { maxAttempts: config.HANDLER_MAX_ATTEMPTS, baseDelayMs: 200, maxDelayMs: 30_000 },
  });
  await app.init();
  return app;
}
