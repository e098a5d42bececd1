import { mysqlIdentifier, mysqlNameLiteral, pgIdentifier, pgNameLiteral, pgTable, splitTable } from './sql-quoting.js';

describe('names written into SQL', () => {
  it('quotes ordinary names as before', () => {
    expect(pgTable('users')).toBe('"users"');
    expect(pgTable('event_store.package_status')).toBe('"event_store"."package_status"');
    expect(pgIdentifier('hostUserId')).toBe('"hostUserId"');
    expect(pgNameLiteral('org')).toBe("'org'");
    expect(pgNameLiteral('')).toBe("''");
    expect(mysqlIdentifier('pushNotifications')).toBe('`pushNotifications`');
    expect(mysqlNameLiteral('userID')).toBe("'userID'");
  });

  it('keeps quotes, backticks and backslashes inside the quoted name', () => {
    expect(pgIdentifier('a"b')).toBe('"a""b"');
    expect(pgTable(`we"ird.ta'ble`)).toBe(`"we""ird"."ta'ble"`);
    expect(pgNameLiteral(`it's\\`)).toBe(` E'it''s\\\\'`);
    expect(mysqlIdentifier('a`b')).toBe('`a``b`');
    expect(mysqlNameLiteral(`it's "x" \\`)).toBe(`'it\\'s \\"x\\" \\\\'`);
  });

  it('splits a PostgreSQL table at its first dot only; a MySQL name is never qualified', () => {
    expect(splitTable('users')).toEqual({ schema: null, name: 'users' });
    expect(splitTable('app.v1.users')).toEqual({ schema: 'app', name: 'v1.users' });
    expect(pgTable('app.v1.users')).toBe('"app"."v1.users"');
    expect(mysqlIdentifier('v1.users')).toBe('`v1.users`');
  });

  it('refuses a name holding a NUL, or empty, with a coded error', () => {
    const refused = expect.objectContaining({ code: 'sql_name_invalid', kind: 'invalid' });
    for (const quote of [pgIdentifier, pgTable, pgNameLiteral, mysqlIdentifier, mysqlNameLiteral]) {
      expect(() => quote('users\0; DROP TABLE users')).toThrow(refused);
    }
    for (const quote of [pgIdentifier, pgTable, mysqlIdentifier, mysqlNameLiteral]) expect(() => quote('')).toThrow(refused);
    expect(() => pgTable('public.')).toThrow(refused);
  });
});
