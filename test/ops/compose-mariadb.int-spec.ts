import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { connectSocket, createTestDatabase, createTestMysqlDatabase, eventually, type SocketClient, type TestDatabase } from '@tributary/testing';
import { createChangeSinkApp } from '../../apps/change-sink/src/change-sink.app.js';
import { loadChangeSinkConfig } from '../../apps/change-sink/src/change-sink.config.js';
import { bindMounts, envOf, service } from './compose.js';

const mysql = await createTestMysqlDatabase();
const describeMysql = mysql.database ? describe : describe.skip;

/**
 * docker/compose.yaml's change-sink, as compose configures it, on a MariaDB prepared by the compose
 * mariadb service's init script: only the addresses of the two databases are this machine's. It
 * must start (its start-up check finds the tables and columns the configuration names) and deliver
 * a demo row to the row's tenant — and to no other tenant.
 */
describeMysql(`compose's change-sink on MariaDB${mysql.skipped ? ` (skipped: ${mysql.skipped})` : ''}`, () => {
  const my = mysql.database!;
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createChangeSinkApp>>;
  let url: string;
  const clients: SocketClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (const script of bindMounts(service('mariadb')).filter((m) => m.target.startsWith('/docker-entrypoint-initdb.d/'))) {
      await my.connection.query(readFileSync(script.source, 'utf8'));
    }
    const composed = envOf(service('change-sink'));
    app = await createChangeSinkApp(
      loadChangeSinkConfig({
        ...composed,
        DATABASE_URL: database.url,
        TRIBUTARY_NOTIFY_URL: database.url,
        MYSQL_HOST: my.host,
        MYSQL_PORT: String(my.port),
        MYSQL_USERNAME: my.user,
        MYSQL_PASSWORD: my.password,
        MYSQL_DATABASE: my.database,
        // Compose migrates in a step of its own first.
        MIGRATE_ON_START: 'true',
        LOG_LEVEL: 'silent',
      }),
    );
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app?.close();
    await database?.drop();
    await my.drop();
  });

  it("delivers a demo table row to its tenant's API key holders, and to no other tenant", async () => {
    const sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    const tenants = new Tenants(new ApiKeys());
    const acme = await tenants.create(sql as never, 'acme');
    const globex = await tenants.create(sql as never, 'globex');
    await sql.end();
    const [a, g] = [connectSocket(url, { token: acme.apiKey }), connectSocket(url, { token: globex.apiKey })];
    clients.push(a, g);
    await Promise.all([a.ready, g.ready]);

    await my.connection.query(`INSERT INTO shipments (tenant_id, reference, status) VALUES (?, 'SHP-1', 'packed'), (?, 'SHP-2', 'packed')`, [acme.id, globex.id]);
    await my.connection.query(`UPDATE shipments SET status = 'shipped' WHERE reference = 'SHP-1'`);

    await eventually(async () => a.of('shipments').length, (n) => n === 2, { timeoutMs: 20_000 });
    await eventually(async () => g.of('shipments').length, (n) => n === 1, { timeoutMs: 20_000 });
    expect(a.of('shipments').map((c) => [c.type, c.data.reference, c.data.status, c.source_type])).toEqual([
      ['insert', 'SHP-1', 'packed', 'mysql'],
      ['update', 'SHP-1', 'shipped', 'mysql'],
    ]);
    expect(g.of('changes').map((c) => [c.table, c.data.reference])).toEqual([['shipments', 'SHP-2']]);
  });
});
