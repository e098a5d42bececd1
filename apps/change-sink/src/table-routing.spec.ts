import { parseRouting, tableKey } from './table-routing.js';

describe("esink's routing grammar (TABLE_AUTH_COLUMN_ROUTING)", () => {
  it('reads a column, a list of columns and `*`, keyed by the table as events name it', () => {
    expect([...parseRouting('{"users":"id","pushNotifications":["userID","senderID"],"public.targetStatuses":"*","app.games":"hostUserId"}')]).toEqual([
      ['users', ['id']],
      ['pushNotifications', ['userID', 'senderID']],
      ['targetStatuses', '*'],
      ['app.games', ['hostUserId']],
    ]);
    expect(parseRouting(undefined).size).toBe(0);
    expect(parseRouting('').size).toBe(0);
  });

  it('names public tables without their schema, any other schema with it', () => {
    expect([tableKey('public.users'), tableKey('users'), tableKey('event_store.package_status')]).toEqual(['users', 'users', 'event_store.package_status']);
  });

  it.each([
    ['{users: id}', /must be JSON/],
    ['["users"]', /must be a JSON object/],
    ['"users"', /must be a JSON object/],
    ['{"users":[]}', /the rule of "users"/],
    ['{"users":"id; drop"}', /the rule of "users"/],
    ['{"users":["id", 7]}', /the rule of "users"/],
    ['{"users":{"column":"id"}}', /the rule of "users"/],
    ['{"users; drop":"id"}', /"users; drop" is not a table name/],
  ])('refuses %s with a message naming TABLE_AUTH_COLUMN_ROUTING', (text, message) => {
    expect(() => parseRouting(text)).toThrow(message);
    expect(() => parseRouting(text)).toThrow(/^TABLE_AUTH_COLUMN_ROUTING/);
  });
});
