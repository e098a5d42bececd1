import { loadChangeSinkConfig } from './change-sink.config.js';

const base = { DATABASE_URL: 'postgres://localhost/x' };

describe('change-sink configuration (esink variables)', () => {
  it('accepts esink’s variables as they are, quotes included', () => {
    const config = loadChangeSinkConfig({
      ...base,
      TABLE_NAMES: "'users, games,pushNotifications,targetStatuses'",
      TABLE_AUTH_COLUMN_ROUTING: '{"users":"id","games":"hostUserId","pushNotifications":["userID","senderID"],"public.targetStatuses":"*"}',
      TABLE_NAMES_EXTRA: 'ignored',
      FILTERS: 'users.password,users.reset_password_token',
      ALLOW_REPUBLISHING: 'true',
      DEFAULT_SOURCE: "'api'",
      MYSQL_TABLE_TARGET: "'esink_pubsub'",
    } as Record<string, string>);
    expect(config.tableNames).toEqual(['users', 'games', 'pushNotifications', 'targetStatuses']);
    expect([...config.routing]).toEqual([
      ['users', ['id']],
      ['games', ['hostUserId']],
      ['pushNotifications', ['userID', 'senderID']],
      ['targetStatuses', '*'],
    ]);
    expect([...config.filters]).toEqual([['users', new Set(['password', 'reset_password_token'])]]);
    expect(config.ALLOW_REPUBLISHING).toBe(true);
    expect(config.DEFAULT_SOURCE).toBe('api');
    expect(config.MYSQL_TABLE_TARGET).toBe('esink_pubsub');
  });

  it('falls back to POSTGRES_DATABASE_URL for the database', () => {
    expect(loadChangeSinkConfig({ POSTGRES_DATABASE_URL: 'postgres://h/db' }).DATABASE_URL).toBe('postgres://h/db');
    expect(() => loadChangeSinkConfig({ DATABASE_URL: 'postgres://h/a', POSTGRES_DATABASE_URL: 'postgres://h/b' })).toThrow(/POSTGRES_DATABASE_URL/);
  });

  it("captures the platform's package projection unless CAPTURE_TABLES says otherwise; set empty, only the operator's tables", () => {
    const capture = (env: Record<string, string>) => {
      const config = loadChangeSinkConfig({ ...base, ...env });
      return { captureTables: config.captureTables, capturesPackages: config.capturesPackages, tableNames: config.tableNames };
    };
    expect(capture({})).toEqual({ captureTables: ['event_store.package_status'], capturesPackages: true, tableNames: [] });
    for (const empty of ['', "''", '  ']) {
      expect({ empty, ...capture({ CAPTURE_TABLES: empty, TABLE_NAMES: 'users' }) }).toEqual({ empty, captureTables: [], capturesPackages: false, tableNames: ['users'] });
    }
    expect(capture({ CAPTURE_TABLES: 'event_store.builds' })).toEqual({ captureTables: ['event_store.builds'], capturesPackages: false, tableNames: [] });
  });

  it.each([
    [{ CAPTURE_TABLES: '' }, /TABLE_NAMES: nothing to capture/],
    [{ CAPTURE_TABLES: "''", MYSQL_DATABASE: 'app' }, /TABLE_NAMES: nothing to capture/],
    [{ CAPTURE_TABLES: 'package_status' }, /CAPTURE_TABLES must be a comma-separated list of schema.table names/],
    [{ CAPTURE_TABLES: '', TABLE_NAMES: 'users', FILTERS: 'package_status.secret' }, /FILTERS: "package_status" is not in TABLE_NAMES/],
    [{ TABLE_AUTH_COLUMN_ROUTING: '{users: id}' }, /TABLE_AUTH_COLUMN_ROUTING must be JSON/],
    [{ TABLE_NAMES: 'users', TABLE_AUTH_COLUMN_ROUTING: '{"users":"id; drop"}' }, /rule of "users"/],
    [{ TABLE_NAMES: 'users', TABLE_AUTH_COLUMN_ROUTING: '{"games":"hostUserId"}' }, /TABLE_AUTH_COLUMN_ROUTING: "games" is not in TABLE_NAMES/],
    [{ TABLE_NAMES: 'users', FILTERS: 'games.secret' }, /FILTERS: "games" is not in TABLE_NAMES/],
    [{ FILTERS: 'password' }, /FILTERS must be a comma-separated list of table.column/],
    [{ TABLE_NAMES: 'users;drop' }, /TABLE_NAMES must be a comma-separated list/],
    [{ AUTH_TABLE: 'users' }, /AUTH_COLUMN: required with AUTH_TABLE/],
    [{ ALLOW_REPUBLISHING: 'maybe' }, /ALLOW_REPUBLISHING/],
    [{ MYSQL_POLL_MS: '1000' }, /MYSQL_POLL_MS/],
    [{ JWT_SECRET: 's', JWKS_URL: 'https://issuer.example/jwks' }, /either JWT_SECRET or JWKS_URL/],
    [{ MYSQL_DATABASE: 'app', TABLE_NAMES: 'app.users' }, /without a schema/],
  ])('refuses %j at start with a message naming the variable', (env, message) => {
    expect(() => loadChangeSinkConfig({ ...base, ...env } as Record<string, string>)).toThrow(message);
  });
});
