import { createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import pg from 'pg';
import { OPERATOR_SCHEMA_SQL, operatorEnv, startSink, type RunningSink } from '../change-sink-harness.js';

/**
 * The capture trigger's wake-up (NOTIFY tributary_changes) is sent once per transaction, however
 * many captured rows it wrote; every row still becomes a change.
 */
describe('capture wake-up: one notification per transaction', () => {
  let database: TestDatabase;
  let sink: RunningSink;
  let db: pg.Client;
  let listener: pg.Client;
  const received: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(OPERATOR_SCHEMA_SQL);
    sink = await startSink({ DATABASE_URL: database.url, ...operatorEnv() });
    listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    listener.on('notification', (n) => n.channel === 'tributary_changes' && received.push(n.payload ?? ''));
    await listener.query('LISTEN tributary_changes');
  });

  afterAll(async () => {
    await listener?.end();
    await sink?.close();
    await db?.end();
    await database?.drop();
  });

  const changes = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM change_sink.changes WHERE table_name = 'games'`)).rows[0].n);

  it('a transaction writing 100 captured rows queues one notification and 100 changes', async () => {
    await db.query('BEGIN');
    await db.query(`INSERT INTO games (org, "hostUserId", title) SELECT 'acme', 1, 'game ' || i FROM generate_series(1, 100) AS i`);
    await db.query(`UPDATE games SET title = title || '!' WHERE id <= 10`);
    await db.query('COMMIT');
    // A second transaction's notification arriving proves the first one's were all delivered.
    await db.query(`INSERT INTO games (org, "hostUserId", title) VALUES ('acme', 1, 'sentinel')`);
    await eventually(async () => received.length, (n) => n >= 2);
    await listener.query('SELECT 1');
    expect(received).toEqual(['', '']);
    expect(await changes()).toBe(111);
  });

  it('times each change from its row change to its hand-off on /metrics: tributary_change_push_latency_seconds per table', async () => {
    const count = async () => {
      const text = await (await fetch(`${sink.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('tributary_change_push_latency_seconds_count{') && l.includes('table="games"'));
      return line === undefined ? 0 : Number(line.split(' ').at(-1));
    };
    // The 111 changes of the test above, each handed off once.
    expect(await eventually(count, (n) => n === 111)).toBe(111);
    await db.query(`INSERT INTO games (org, "hostUserId", title) VALUES ('acme', 1, 'one more')`);
    expect(await eventually(count, (n) => n === 112)).toBe(112);
  });
});
