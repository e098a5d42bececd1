import type { INestApplication } from '@nestjs/common';
import { freePort } from '@tributary/database';
import { MessagePublisher, type Envelope } from '@tributary/messaging';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { createTestDatabase, testSecrets, type TestDatabase } from '@tributary/testing';
import type { TopicDefinition } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { createWorkerApp } from '../../apps/integration-worker/src/worker.app.js';
import { loadWorkerConfig } from '../../apps/integration-worker/src/worker.config.js';
import type { Json } from './json.js';

export interface RunningWorker {
  /** The keys the worker runs with (a replica takes the same). */
  readonly secrets: Record<string, string>;
  readonly app: INestApplication;
  readonly url: string;
  readonly db: TestDatabase;
  readonly adminKey: string;
  readonly dataSource: DataSource;
  /** A tenant and an API key of `role` for it. */
  tenant(name: string, role?: 'owner' | 'read_only'): Promise<{ id: string; apiKey: string }>;
  publish<T extends object>(topic: TopicDefinition<T>, data: T, tenantId: string): Promise<Envelope<T>>;
  /** `fetch` on the worker's API with a key. */
  call(key: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  stop(): Promise<void>;
}

/**
 * The integration worker on a fresh database, listening on a free port, consuming. With `replicaOf`,
 * a second replica on the first one's database (same keys; its `stop` leaves the database).
 */
export async function startWorker(env: Record<string, string> = {}, replicaOf?: RunningWorker): Promise<RunningWorker> {
  const db = replicaOf?.db ?? (await createTestDatabase());
  const secrets = replicaOf?.secrets ?? testSecrets();
  const port = await freePort();
  const app = await createWorkerApp(
    loadWorkerConfig({ ...secrets, DATABASE_URL: db.url, LOG_LEVEL: 'silent', CONSUMER_POLL_MS: '50', ...env }),
  );
  await app.listen(port, '127.0.0.1');
  await app.startAllMicroservices();
  const dataSource = app.get(DataSource);
  const { key: adminKey } = await app.get(ApiKeys).issue(dataSource, 'platform_admin', null, 'test admin');
  const url = `http://127.0.0.1:${port}`;
  return {
    secrets,
    app,
    url,
    db,
    adminKey,
    dataSource,
    async tenant(name, role = 'owner') {
      const created = await dataSource.transaction((m) => app.get(Tenants).create(m, name));
      if (role === 'owner') return { id: created.id, apiKey: created.apiKey };
      const { key } = await app.get(ApiKeys).issue(dataSource, role, created.id, role);
      return { id: created.id, apiKey: key };
    },
    publish(topic, data, tenantId) {
      return dataSource.transaction((m) => app.get(MessagePublisher).publish(m, topic, data, { tenantId }));
    },
    async call(key, method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
    async stop() {
      await app.close();
      if (!replicaOf) await db.drop();
    },
  };
}
