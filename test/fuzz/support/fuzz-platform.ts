import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { drainAndClose } from '@tributary/lifecycle';
import { runAsApp } from '@tributary/observability';
import { createTestDatabase, testSecrets, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { createChangeSinkApp } from '../../../apps/change-sink/src/change-sink.app.js';
import { loadChangeSinkConfig } from '../../../apps/change-sink/src/change-sink.config.js';
import { createEventStoreApp } from '../../../apps/event-store/src/event-store.app.js';
import { loadEventStoreConfig } from '../../../apps/event-store/src/event-store.config.js';
import { createGatewayApp, ensureAdminKey } from '../../../apps/gateway/src/gateway.app.js';
import { loadGatewayConfig } from '../../../apps/gateway/src/gateway.config.js';
import { createWorkerApp } from '../../../apps/integration-worker/src/worker.app.js';
import { loadWorkerConfig } from '../../../apps/integration-worker/src/worker.config.js';

export type AppName = 'gateway' | 'event-store' | 'change-sink' | 'integration-worker';
export const APP_NAMES: readonly AppName[] = ['gateway', 'event-store', 'change-sink', 'integration-worker'];

export interface FuzzPlatform {
  readonly db: TestDatabase;
  readonly urls: Record<AppName, string>;
  readonly adminKey: string;
  /** The change-sink's SECURITY_TOKEN (POST /publish). */
  readonly securityToken: string;
  /** Every secret the apps hold: none may appear in an answer. */
  readonly secrets: readonly string[];
  /** The gateway's data source (the fuzz suite reads the database through it). */
  readonly dataSource: DataSource;
  stop(): Promise<void>;
}

/**
 * The four apps in this process, each on its own port over one fresh test database, as the standalone
 * runner starts them — with the change-sink's publishing on (SECURITY_TOKEN, ALLOW_REPUBLISHING) so
 * that its publish paths are reachable too.
 */
export async function startFuzzPlatform(): Promise<FuzzPlatform> {
  const db = await createTestDatabase();
  const keys = testSecrets();
  const securityToken = `fuzz-security-token-${keys.TRIBUTARY_SIGNING_KEY.slice(0, 12)}`;
  const shared = { ...keys, DATABASE_URL: db.url, TRIBUTARY_NOTIFY_URL: db.url, LOG_LEVEL: 'silent', MESSAGE_LOG_PARTITIONS: '1' };
  // Each app listens on a port the system picks as it binds (a port found free beforehand may be taken by then).
  const urls = {} as Record<AppName, string>;
  const apps: { name: AppName; app: INestApplication }[] = [];
  const create = async (name: AppName, build: () => Promise<INestApplication>) => {
    const app = await runAsApp(name, build);
    apps.push({ name, app });
    return app;
  };
  const stop = async () => {
    for (const { name, app } of [...apps].reverse()) await runAsApp(name, () => drainAndClose(app)).catch(() => undefined);
    await db.drop();
  };
  try {
    // The webhook URLs the gateway answers are not used here (deliveries go to /webhooks/<id> of the URL it listens on).
    const gateway = await create('gateway', () => createGatewayApp(loadGatewayConfig({ ...shared, PORT: '0', PUBLIC_URL: 'http://127.0.0.1' })));
    const eventStore = await create('event-store', () => createEventStoreApp(loadEventStoreConfig({ ...shared, PORT: '0' })));
    await create('change-sink', () => createChangeSinkApp(loadChangeSinkConfig({ ...shared, PORT: '0', SECURITY_TOKEN: securityToken, ALLOW_REPUBLISHING: 'true' })));
    const worker = await create('integration-worker', () => createWorkerApp(loadWorkerConfig({ ...shared, PORT: '0' })));
    for (const { name, app } of apps) {
      await runAsApp(name, () => app.listen(0, '127.0.0.1'));
      urls[name] = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    }
    await runAsApp('event-store', () => eventStore.startAllMicroservices());
    await runAsApp('integration-worker', () => worker.startAllMicroservices());
    const admin = await runAsApp('gateway', () => ensureAdminKey(gateway));
    return {
      db,
      urls,
      adminKey: admin.key,
      securityToken,
      secrets: [admin.key, securityToken, keys.TRIBUTARY_SIGNING_KEY, keys.TRIBUTARY_ENCRYPTION_KEY],
      dataSource: gateway.get(DataSource),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
