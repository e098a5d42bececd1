import pg from 'pg';
import { freePort } from '@tributary/database';
import {
  ChaosSchedule,
  connectSocket,
  createTestDatabase,
  createTestMysqlDatabase,
  eventually,
  sleep,
  type SocketClient,
  type TestDatabase,
  type TestMysqlDatabase,
} from '@tributary/testing';
import { AppProcess } from '../../../../test/support/app-process.js';
import { OPERATOR_SCHEMA_SQL, operatorEnv, withClient } from '../change-sink-harness.js';

const MYSQL_SCHEMA = `
  CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, name VARCHAR(64) NOT NULL, token VARCHAR(128) UNIQUE, password VARCHAR(64));
  CREATE TABLE games (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, hostUserId INT, title TEXT);
  CREATE TABLE pushNotifications (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, userID INT, senderID INT, recipientID INT, body TEXT);
  CREATE TABLE targetStatuses (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, label VARCHAR(128));
  CREATE TABLE docs (id INT AUTO_INCREMENT PRIMARY KEY, org VARCHAR(32) NOT NULL, owner INT, body MEDIUMTEXT);
`;

/** The operator's database, PostgreSQL or MariaDB, behind one small interface. */
interface OperatorDatabase {
  exec(sql: string, params?: unknown[]): Promise<unknown[]>;
  /** How the `targetStatuses` table is spelled in SQL. */
  readonly statuses: string;
  /** The bodies of the docs whose insert was captured so far (the capture is written in the insert's transaction). */
  capturedDocs(): Promise<string[]>;
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

const mysql = await createTestMysqlDatabase();

const variants: Array<[string, boolean]> = [
  ['PostgreSQL', true],
  [`MariaDB${mysql.skipped ? ` (skipped: ${mysql.skipped})` : ''}`, mysql.database !== null],
];

/**
 * The change-sink as its own process, killed with SIGKILL in the middle of a stream of row changes
 * and started again: every client, reconnecting by itself with the id of the last change it saw (or,
 * before its first, the cursor of its `connected`), receives every change it may see, none twice on its connection. The kill goes off right after a
 * doc drawn from the chaos seed commits and must find changes captured that their client had not
 * received (or it is tried again); the seed and the schedule come with any failure, CHAOS_SEED replays them.
 */
describe.each(variants)('change-sink killed and restarted mid-stream (%s)', (_, available) => {
  const run = available ? it : it.skip;
  let database: TestDatabase;
  let operator: OperatorDatabase;
  let sink: AppProcess;
  const clients: SocketClient[] = [];

  beforeAll(async () => {
    if (!available) return;
    database = await createTestDatabase();
    operator = _.startsWith('PostgreSQL') ? await postgresOperator(database) : await mysqlOperator(mysql.database!, database);
    sink = new AppProcess('change-sink', await freePort(), {
      DATABASE_URL: database.url,
      TRIBUTARY_NOTIFY_URL: database.url,
      ...operatorEnv(),
      ...operator.env,
      LOG_LEVEL: 'warn',
    });
    await sink.start();
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await sink?.stop();
    await operator?.close();
    await database?.drop();
  });

  run('delivers every change to every reconnecting client exactly once per connection', async () => {
    const chaos = new ChaosSchedule(`change-sink killed mid-stream (${_})`);
    await chaos.run(async () => {
      const people = [];
      for (let i = 0; i < 4; i++) {
        const token = `tok-restart-${i}-${Math.random().toString(36).slice(2)}`;
        await operator.exec(`INSERT INTO users (org, name, token) VALUES ('acme', 'p${i}', '${token}')`);
        const [row] = (await operator.exec(`SELECT id FROM users WHERE token = '${token}'`)) as Array<{ id: number }>;
        people.push({ id: Number(row.id), token });
      }
      const sessions = people.map((person) => {
        let last: string | undefined;
        const client = connectSocket(sink.url, () => ({ token: person.token, ...(last ? { after: last } : {}) }), { reconnection: true });
        // Until its first change, a client resumes from where it connected.
        client.socket.on('connected', ({ cursor }: { cursor: string }) => (last ??= cursor));
        client.socket.on('changes', (change: { id: string }) => (last = change.id));
        clients.push(client);
        return { person, client };
      });
      await Promise.all(sessions.map((s) => s.client.ready));

      // One doc a commit, at least `total`, and on until a kill has landed; a kill goes off right after the doc it waits for commits.
      const total = 120;
      let written = 0;
      let writing = true;
      let afterCommit: ((written: number) => Promise<void>) | undefined;
      const writer = (async () => {
        for (let i = 0; i < total || writing; i++) {
          const owner = people[i % people.length];
          await operator.exec(`INSERT INTO docs (org, owner, body) VALUES ('acme', ${owner.id}, 'doc-${i}')`);
          written = i + 1;
          await afterCommit?.(written);
          await sleep(15);
        }
      })();
      const killWhenWritten = (docs: number) =>
        new Promise<void>((resolve, reject) => {
          afterCommit = async (n) => {
            if (n < docs) return;
            afterCommit = undefined;
            await sink.kill().then(resolve, reject);
          };
        });
      const reconnected = async (before: number[]) =>
        eventually(async () => sessions.every((s, i) => s.client.of('connected').length > before[i]), Boolean, { timeoutMs: 60_000 });

      // In flight: docs captured before the kill that their client had not received when its connection dropped.
      let planned = 0;
      try {
        await chaos.landKill('kill -9 change-sink', {
          kill: async () => {
            planned += chaos.int(10, 40);
            const docs = Math.max(planned, written + 1);
            const disconnects = sessions.map((s) => s.client.disconnects.length);
            await killWhenWritten(docs);
            chaos.note(`killed the change-sink right after doc ${docs - 1} committed`);
            await eventually(async () => sessions.every((s, i) => s.client.disconnects.length > disconnects[i]), Boolean, { timeoutMs: 10_000 });
            const pushed = new Set(sessions.flatMap((s) => s.client.of('docs').map((d) => d.data.body as string)));
            const captured = (await operator.capturedDocs()).filter((body) => Number(body.slice('doc-'.length)) < docs);
            const waiting = captured.filter((body) => !pushed.has(body));
            return { count: waiting.length, detail: `${captured.length} docs captured, ${pushed.size} pushed to their clients, not yet: ${waiting.join(', ')}` };
          },
          recover: async () => {
            const connected = sessions.map((s) => s.client.of('connected').length);
            await sink.start();
            await reconnected(connected);
            chaos.note('change-sink started again, every client reconnected');
          },
        });
      } finally {
        writing = false;
      }
      await sink.start();
      chaos.note('change-sink started again');
      await writer;
      await operator.exec(`INSERT INTO ${operator.statuses} (org, label) VALUES ('acme', 'end')`);
      chaos.note(`writer done: ${written} docs`);

      for (const [index, { client }] of sessions.entries()) {
        await eventually(async () => client.of('targetStatuses').some((c) => c.data.label === 'end'), Boolean, { timeoutMs: 60_000 });
        const expected = Array.from({ length: written }, (_, i) => i).filter((i) => i % people.length === index).map((i) => `doc-${i}`);
        expect(client.of('docs').map((d) => d.data.body)).toEqual(expected);
        // It really was cut off and came back.
        expect(client.disconnects.length).toBeGreaterThanOrEqual(1);
      }
    });
  });
});

async function postgresOperator(database: TestDatabase): Promise<OperatorDatabase> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(OPERATOR_SCHEMA_SQL);
  return {
    exec: (sql, params) => client.query(sql, params).then((r) => r.rows),
    statuses: '"targetStatuses"',
    capturedDocs: async () => (await client.query(`SELECT row->>'body' AS body FROM change_sink.changes WHERE table_name = 'docs'`)).rows.map((r) => r.body),
    env: {},
    close: () => client.end(),
  };
}

async function mysqlOperator(my: TestMysqlDatabase, sinkDatabase: TestDatabase): Promise<OperatorDatabase> {
  await my.connection.query(MYSQL_SCHEMA);
  return {
    async exec(sql, params) {
      const [rows] = await my.connection.query(sql, params);
      return rows as unknown[];
    },
    statuses: 'targetStatuses',
    // Captured into the outbox; relayed (and then pruned from it) into the change-sink's table.
    async capturedDocs() {
      const [outbox] = await my.connection.query(`SELECT JSON_UNQUOTE(JSON_EXTRACT(row_data, '$.body')) AS body FROM esink_pubsub WHERE table_name = 'docs'`);
      const relayed = await withClient(sinkDatabase.url, (c) => c.query(`SELECT row->>'body' AS body FROM change_sink.changes WHERE table_name = 'docs'`));
      return [...new Set([...(outbox as Array<{ body: string }>), ...relayed.rows].map((r) => r.body as string))];
    },
    env: {
      MYSQL_DATABASE: my.database,
      MYSQL_HOST: my.host,
      MYSQL_PORT: String(my.port),
      MYSQL_USERNAME: my.user,
      ...(my.password ? { MYSQL_PASSWORD: my.password } : {}),
      MYSQL_TABLE_TARGET: 'esink_pubsub',
    },
    close: () => my.drop(),
  };
}
