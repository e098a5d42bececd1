import type { INestApplication } from '@nestjs/common';
import { freePort } from '@tributary/database';
import { createTestDatabase, LogCapture, readJson, testSecrets, type TestDatabase } from '@tributary/testing';
import { DataSource } from 'typeorm';
import { createGatewayApp, ensureAdminKey } from '../../apps/gateway/src/gateway.app.js';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import type { Json } from './json.js';

export interface Answer {
  readonly status: number;
  readonly body: Json;
  readonly headers: Headers;
}

/** A JSON client of the management API with one key. */
export class Api {
  constructor(
    readonly base: string,
    readonly key?: string,
  ) {}

  as(key: string | undefined): Api {
    return new Api(this.base, key);
  }

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: unknown = {}) => this.call('POST', path, body);
  patch = (path: string, body: unknown) => this.call('PATCH', path, body);
  put = (path: string, body: unknown) => this.call('PUT', path, body);
  delete = (path: string) => this.call('DELETE', path);

  /** POST that must succeed: the created object. */
  async create(path: string, body: unknown) {
    const answer = await this.post(path, body);
    if (answer.status !== 201) throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
}

export interface RunningGateway {
  readonly app: INestApplication;
  readonly base: string;
  readonly admin: Api;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/** A gateway on a free port over `databaseUrl`, logging at debug level into `logs`. */
export async function startGateway(databaseUrl: string, logs: LogCapture, env: Record<string, string> = {}, secrets = testSecrets()): Promise<RunningGateway> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadGatewayConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'debug', PUBLIC_URL: base, ...secrets, ...env });
  const app = await createGatewayApp(config, { logDestination: logs });
  await app.listen(port, '127.0.0.1');
  const { key } = await ensureAdminKey(app);
  return { app, base, admin: new Api(base, key), dataSource: app.get(DataSource), close: () => app.close() };
}

/** A tenant with an app, a paid and enabled integration of it, and a webhook (standard-webhooks unless told). */
export async function provisionTenant(admin: Api, name: string, webhook: Record<string, unknown> = {}) {
  const tenant = await admin.create('/v1/tenants', { name });
  const owner = admin.as(tenant.apiKey);
  const app = await owner.create('/v1/apps', { name: `${name} carrier`, vendor: 'dhl' });
  const integration = await owner.create('/v1/integrations', { name: 'tracking', appIds: [app.id] });
  const paid = await admin.put(`/v1/tenants/${tenant.id}/integrations/${integration.id}/subscription`, {
    plan: 'standard',
    paidUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  });
  if (paid.status !== 200) throw new Error(`subscription answered ${paid.status}`);
  const created = await owner.create('/v1/webhooks', { appId: app.id, topic: 'tracking.carrier-update.received', ...webhook });
  return { tenant, owner, app, integration, webhook: created as { id: string; url: string; secret: string; verifier: string } };
}

export { createTestDatabase, LogCapture, readJson, type TestDatabase };
