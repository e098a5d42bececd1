import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import { createChangeSinkApp } from './change-sink.app.js';
import { loadChangeSinkConfig } from './change-sink.config.js';

export interface RunningSink {
  readonly app: INestApplication;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A change-sink in this process, listening on a free port, configured like an esink deployment.
 * With `logs`, it logs at debug level into them (silent otherwise).
 */
export async function startSink(env: Record<string, string | undefined>, port = 0, logs?: DestinationStream): Promise<RunningSink> {
  const app = await createChangeSinkApp(
    loadChangeSinkConfig({ LOG_LEVEL: logs ? 'debug' : 'silent', CHANGE_POLL_MS: '50', AUTH_RECHECK_MS: '300', ...env }),
    { logDestination: logs },
  );
  try {
    await app.listen(port, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** The operator's application schema the socket.io suites capture (esink README's example tables, plus a tenant column). */
export const OPERATOR_SCHEMA_SQL = `
  CREATE TABLE users (id serial PRIMARY KEY, org text NOT NULL, name text NOT NULL, token text UNIQUE, password text);
  CREATE TABLE games (id serial PRIMARY KEY, org text NOT NULL, "hostUserId" integer, title text);
  CREATE TABLE "pushNotifications" (id serial PRIMARY KEY, org text NOT NULL, "userID" integer, "senderID" integer, "recipientID" integer, body text);
  CREATE TABLE "targetStatuses" (id serial PRIMARY KEY, org text NOT NULL, label text);
  CREATE TABLE docs (id serial PRIMARY KEY, org text NOT NULL, owner integer, body text);
`;

export const ROUTING = JSON.stringify({
  users: 'id',
  games: 'hostUserId',
  pushNotifications: ['userID', 'senderID', 'recipientID'],
  targetStatuses: '*',
  docs: 'owner',
});

export const operatorEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  // Quoted as in esink's docker-compose example: accepted as they are.
  TABLE_NAMES: "'users,games,pushNotifications,targetStatuses,docs'",
  AUTH_TABLE: 'users',
  AUTH_COLUMN: 'token',
  TENANT_COLUMN: 'org',
  FILTERS: 'users.password,users.token',
  TABLE_AUTH_COLUMN_ROUTING: ROUTING,
  SECURITY_TOKEN: 'publish-secret',
  ALLOW_REPUBLISHING: 'true',
  ...extra,
});

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
