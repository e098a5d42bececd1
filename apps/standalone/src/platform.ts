import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgres } from '@tributary/database';
import { drainAndClose } from '@tributary/lifecycle';
import { runAsApp } from '@tributary/observability';
import { createApiRootApp } from '../../api-root/src/api-root.app.js';
import { loadApiRootConfig } from '../../api-root/src/api-root.config.js';
import { createChangeSinkApp } from '../../change-sink/src/change-sink.app.js';
import { loadChangeSinkConfig } from '../../change-sink/src/change-sink.config.js';
import { createEventStoreApp } from '../../event-store/src/event-store.app.js';
import { loadEventStoreConfig } from '../../event-store/src/event-store.config.js';
import { createGatewayApp, ensureAdminKey } from '../../gateway/src/gateway.app.js';
import { loadGatewayConfig } from '../../gateway/src/gateway.config.js';
import { createWorkerApp } from '../../integration-worker/src/worker.app.js';
import { loadWorkerConfig } from '../../integration-worker/src/worker.config.js';
import { localKeys, readAdminKey, writeAdminKey } from './local-files.js';
import type { StandaloneConfig } from './standalone.config.js';

export interface RunningPlatform {
  readonly urls: { gateway: string; eventStore: string; changeSink: string; worker: string; graphqlWs: string; apiRoot: string };
  readonly adminKey: string;
  readonly adminKeyCreated: boolean;
  readonly database: 'embedded' | 'server';
  readonly databaseUrl: string;
  stop(): Promise<void>;
}

const portOf = async (port: number) => (port === 0 ? freePort() : port);

/**
 * The four apps in one process, each on its own port and with its own Nest container, exactly as
 * they run apart — only the database (embedded unless DATABASE_URL is set) and the process are shared.
 */
export async function startPlatform(config: StandaloneConfig): Promise<RunningPlatform> {
  const keys = localKeys(config.TRIBUTARY_HOME);
  const embedded: EmbeddedPostgres | undefined = config.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: join(config.TRIBUTARY_HOME, 'pgdata') });
  const databaseUrl = config.DATABASE_URL ?? embedded!.url;
  const ports = {
    gateway: await portOf(config.GATEWAY_PORT),
    eventStore: await portOf(config.EVENT_STORE_PORT),
    changeSink: await portOf(config.CHANGE_SINK_PORT),
    worker: await portOf(config.WORKER_PORT),
    apiRoot: await portOf(config.API_ROOT_PORT ?? (config.GATEWAY_PORT === 0 ? 0 : 3004)),
  };
  const shared = {
    DATABASE_URL: databaseUrl,
    // Embedded NOTIFY reaches no one; in-process commit signals wake consumers instead.
    TRIBUTARY_NOTIFY_URL: config.DATABASE_URL,
    TRIBUTARY_SIGNING_KEY: config.TRIBUTARY_SIGNING_KEY ?? keys.signingKey,
    TRIBUTARY_ENCRYPTION_KEY: config.TRIBUTARY_ENCRYPTION_KEY ?? keys.encryptionKey,
    LOG_LEVEL: config.LOG_LEVEL,
    MESSAGE_LOG_PARTITIONS: String(config.MESSAGE_LOG_PARTITIONS),
    // Each app keeps the polls that are its own (the others' configs drop what they do not know).
    CONSUMER_POLL_MS: config.CONSUMER_POLL_MS?.toString(),
    PROJECTION_POLL_MS: config.PROJECTION_POLL_MS?.toString(),
    CHANGE_POLL_MS: config.CHANGE_POLL_MS?.toString(),
  };
  const url = (port: number) => `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;

  // Each app runs in its own log scope: what it starts here (timers, sockets, consumer loops) logs as that app.
  const apps: { name: string; app: INestApplication }[] = [];
  const create = async (name: string, build: () => Promise<INestApplication>) => {
    const app = await runAsApp(name, build);
    apps.push({ name, app });
    return app;
  };
  try {
    const gateway = await create('gateway', () =>
      createGatewayApp(loadGatewayConfig({ ...shared, PORT: String(ports.gateway), PUBLIC_URL: url(ports.gateway) })),
    );
    const eventStore = await create('event-store', () => createEventStoreApp(loadEventStoreConfig({ ...shared, PORT: String(ports.eventStore) })));
    const changeSink = await create('change-sink', () => createChangeSinkApp(loadChangeSinkConfig({ ...shared, PORT: String(ports.changeSink) })));
    const worker = await create('integration-worker', () => createWorkerApp(loadWorkerConfig({ ...shared, PORT: String(ports.worker) })));
    await runAsApp('gateway', () => gateway.listen(ports.gateway, config.HOST));
    await runAsApp('event-store', () => eventStore.listen(ports.eventStore, config.HOST));
    await runAsApp('change-sink', () => changeSink.listen(ports.changeSink, config.HOST));
    await runAsApp('integration-worker', () => worker.listen(ports.worker, config.HOST));
    await runAsApp('event-store', () => eventStore.startAllMicroservices());
    await runAsApp('integration-worker', () => worker.startAllMicroservices());

    // The composed API last: it answers with the apps (and stops first, before them).
    const apiRoot = await create('api-root', () =>
      createApiRootApp(
        loadApiRootConfig({
          PORT: String(ports.apiRoot),
          GATEWAY_URL: url(ports.gateway),
          EVENT_STORE_URL: url(ports.eventStore),
          CHANGE_SINK_URL: url(ports.changeSink),
          WORKER_URL: url(ports.worker),
          LOG_LEVEL: config.LOG_LEVEL,
        }),
      ),
    );
    await runAsApp('api-root', () => apiRoot.listen(ports.apiRoot, config.HOST));

    const admin = await runAsApp('gateway', () => ensureAdminKey(gateway, readAdminKey(config.TRIBUTARY_HOME)));
    if (admin.created) writeAdminKey(config.TRIBUTARY_HOME, admin.key);

    return {
      urls: {
        gateway: url(ports.gateway),
        eventStore: url(ports.eventStore),
        changeSink: url(ports.changeSink),
        worker: url(ports.worker),
        graphqlWs: `${url(ports.changeSink).replace(/^http/, 'ws')}/graphql`,
        apiRoot: url(ports.apiRoot),
      },
      adminKey: admin.key,
      adminKeyCreated: admin.created,
      database: embedded ? 'embedded' : 'server',
      databaseUrl,
      async stop() {
        // Consumers first (they finish in-flight work), ingress last, then the database; each drains as on SIGTERM.
        for (const { name, app } of [...apps].reverse()) await runAsApp(name, () => drainAndClose(app));
        await embedded?.stop();
      },
    };
  } catch (error) {
    for (const { name, app } of apps.reverse()) await runAsApp(name, () => app.close()).catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}
