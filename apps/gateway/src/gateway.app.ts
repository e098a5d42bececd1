import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { configureHttpEdge, serveGraphqlSdl, validationPipe } from '@tributary/edge';
import { AppLogger } from '@tributary/observability';
import { ApiKeys, isApiKeyFormat } from '@tributary/tenancy';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { ErrorBody } from './management-api/error-body.dto.js';
import type { GatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';
import { describeIngress } from './webhooks/receive-webhook/ingress-openapi.js';
import { WebhookIngress } from './webhooks/receive-webhook/webhook-ingress.js';

/** Builds the gateway (migrated, not yet listening). `main.ts` and the standalone runner both use it. */
export async function createGatewayApp(config: GatewayConfig, options: { logDestination?: DestinationStream } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(GatewayModule.forRoot(config, options.logDestination), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(AppLogger));
  configureHttpEdge(app, { bodyLimit: config.WEBHOOK_BODY_LIMIT, jsonMaxDepth: config.JSON_MAX_DEPTH, internalPort: config.INTERNAL_PORT });
  app.useGlobalPipes(validationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tributary gateway')
      .setDescription('Webhook ingress and the management API of the tenancy domain: tenants, users, API keys, apps, integrations, webhooks')
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { extraModels: [ErrorBody] },
  );
  describeIngress(document);
  SwaggerModule.setup('docs', app, document);
  serveGraphqlSdl(app);
  await app.init();
  serveIngressFirst(app.getHttpServer() as Server, app.get(WebhookIngress));
  return app;
}

/** Deliveries are answered by WebhookIngress straight from node:http; every other request goes to Nest. */
function serveIngressFirst(server: Server, ingress: WebhookIngress): void {
  const others = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (ingress.claims(request)) return ingress.handle(request, response);
    for (const listener of others) listener.call(server, request, response);
  });
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
