import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { configureHttpEdge, validationPipe } from '@tributary/runtime';
import { ApiKeys, isApiKeyFormat } from '@tributary/tenancy';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';

/** Builds the gateway (migrated, not yet listening). `main.ts` and the standalone runner both use it. */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create(GatewayModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttpEdge(app, { rawBodyPaths: ['/webhooks'], bodyLimit: config.WEBHOOK_BODY_LIMIT });
  app.useGlobalPipes(validationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tributary gateway')
      .setDescription('Webhook ingress and the management API')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  await app.init();
  return app;
}

/**
 * Makes sure a platform admin key exists: `existing` (the operator's `TRIBUTARY_ADMIN_KEY`, or the
 * standalone runner's saved key) is kept if valid and registered if not yet known; without one, a
 * new key is issued. Returns the key to hand to the operator (it is stored only as a hash).
 */
export async function ensureAdminKey(app: INestApplication, existing?: string): Promise<{ key: string; created: boolean }> {
  const dataSource = app.get(DataSource);
  const apiKeys = app.get(ApiKeys);
  if (existing && (await apiKeys.isValid(dataSource, existing))) return { key: existing, created: false };
  if (existing && isApiKeyFormat(existing)) {
    await apiKeys.register(dataSource, existing, 'platform_admin', null, 'platform admin');
    return { key: existing, created: false };
  }
  const { key } = await apiKeys.issue(dataSource, 'platform_admin', null, 'platform admin');
  return { key, created: true };
}
