import pg from 'pg';
import { splitSql, StatementCounter } from './statement-counter.js';

// A client that is never connected: pg queues what it is given and sends nothing, which is all the counter needs.
const client = () => new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/test' });
const send = (c: pg.Client, text: string, values?: unknown[]) => void c.query(text, values).catch(() => undefined);

describe('StatementCounter', () => {
  const counter = new StatementCounter({ appOf: () => 'gateway' });
  afterEach(() => counter.stop().reset());

  it('counts every statement sent, each of a simple query string on its own, by folded text and app', () => {
    const c = client();
    counter.start();
    send(c, 'BEGIN');
    send(c, 'SELECT 1 FROM t WHERE id = $1', [1]);
    send(c, 'SELECT  1 FROM t\n  WHERE id = $1', [2]);
    send(c, "SET LOCAL app.tenant = 'a;b'; SELECT set_config('x', $$;$$, true); -- done;\nCOMMIT;");
    void c.query({ text: 'LISTEN tributary_messages' }).catch(() => undefined);

    expect(counter.count).toBe(7);
    expect(counter.tally()).toEqual([
      { statement: 'SELECT 1 FROM t WHERE id = $1', app: 'gateway', count: 2 },
      { statement: 'BEGIN', app: 'gateway', count: 1 },
      { statement: 'COMMIT', app: 'gateway', count: 1 },
      { statement: 'LISTEN tributary_messages', app: 'gateway', count: 1 },
      { statement: "SELECT set_config('x', $$;$$, true)", app: 'gateway', count: 1 },
      { statement: "SET LOCAL app.tenant = 'a;b'", app: 'gateway', count: 1 },
    ]);
    expect(counter.byApp()).toEqual({ gateway: 7 });
    expect(counter.report(1)).toBe('7 statements (gateway 7)\n      2  gateway            SELECT 1 FROM t WHERE id = $1');
  });

  it('leaves out ignored clients, and counts nothing once stopped (the original query is back)', () => {
    const original = pg.Client.prototype.query;
    const probe = client();
    counter.ignore(probe).start();
    expect(pg.Client.prototype.query).not.toBe(original);
    send(probe, 'SELECT 1');
    counter.stop();
    send(client(), 'SELECT 2');
    expect(pg.Client.prototype.query).toBe(original);
    expect(counter.count).toBe(0);
  });

  it('refuses a second counter while one counts', () => {
    counter.start();
    expect(() => new StatementCounter().start()).toThrow(/Another StatementCounter/);
  });
});

describe('splitSql', () => {
  it('splits at the semicolons outside strings, identifiers, dollar quotes and comments', () => {
    expect(splitSql(`SELECT ';'; SELECT "a;b"; DO $x$ BEGIN; END $x$; /* ; */ SELECT E'\\';'; SELECT 'it''s;' -- ;\n;`)).toEqual([
      `SELECT ';'`,
      ` SELECT "a;b"`,
      ` DO $x$ BEGIN; END $x$`,
      `   SELECT E'\\';'`,
      ` SELECT 'it''s;'  `,
      '',
    ]);
  });
});
